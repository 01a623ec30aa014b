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
    public abstract class AccountTargetCmdlet : AccountParameterCmdlet
    {
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
        internal AccountId ResolveTarget() => ResolveAccount(SubscriptionId, ResourceGroupName, Name);
    }
}
