using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// The account parameters every single-account cmdlet shares: an AoaiAccount from the pipeline or a -ResourceId (binds
    /// by property name, so Get-AzResource output and Repair-AoaiHardening work). Derived bases add the by-name set: the
    /// account cmdlets with -Name (<see cref="AccountTargetCmdlet"/>), the cmdlets on an account's children with
    /// -AccountName (<see cref="AccountChildCmdlet"/>).
    /// </summary>
    public abstract class AccountParameterCmdlet : AoaiCmdlet
    {
        protected const string InputObjectSet = "InputObject";
        protected const string ResourceIdSet = "ResourceId";
        protected const string ByNameSet = "ByName";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public AoaiAccount InputObject { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceIdSet)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; } = null!;

        /// <summary>
        /// The account this pipeline item names; malformed input is a terminating error before any request. Decided by
        /// which target parameter is bound, not by the parameter set's name, so a derived cmdlet can split the three ways
        /// of naming an account into more sets (Set-AoaiOutboundAccess: restrict or -Disable).
        /// </summary>
        internal AccountId ResolveAccount(string? subscriptionId, string resourceGroupName, string name)
        {
            if (InputObject != null) return AccountIdFrom(InputObject.Id, InputObject);
            if (ResourceId != null) return AccountIdFrom(ResourceId, ResourceId);
            return AccountIdFrom(subscriptionId, resourceGroupName, name);
        }
    }
}
