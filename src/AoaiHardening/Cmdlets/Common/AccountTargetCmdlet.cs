using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// Base of cmdlets that act on one account per pipeline item, named three ways (the Az conventions):
    /// an AoaiAccount from the pipeline, a -ResourceId (binds by property name, so Get-AzResource output works),
    /// or -ResourceGroupName and -Name.
    /// </summary>
    public abstract class AccountTargetCmdlet : AoaiCmdlet
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

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameSet)]
        [Alias("AccountName")]
        [ArgumentCompleter(typeof(AccountNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>The account this pipeline item names; malformed input is a terminating error before any request.</summary>
        /// <remarks>
        /// Decided by which target parameter is bound, not by the parameter set's name, so a derived cmdlet can split the
        /// three ways of naming an account into more sets (Set-AoaiOutboundAccess: restrict or -Disable).
        /// </remarks>
        internal AccountId ResolveTarget()
        {
            if (InputObject != null) return AccountIdFrom(InputObject.Id, InputObject);
            if (ResourceId != null) return AccountIdFrom(ResourceId, ResourceId);
            return AccountIdFrom(SubscriptionId, ResourceGroupName, Name);
        }
    }
}
