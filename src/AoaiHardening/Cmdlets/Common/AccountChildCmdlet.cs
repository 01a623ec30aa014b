using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// Base of cmdlets that act on a child of an account (a deployment, a content filter, a blocklist), so -Name is free
    /// for the child: the account comes from the pipeline (an AoaiAccount), a -ResourceId (binds by property name, so
    /// Get-AzResource output and Repair-AoaiHardening work), or -ResourceGroupName and -AccountName.
    /// </summary>
    public abstract class AccountChildCmdlet : AccountParameterCmdlet
    {
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(AccountNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string AccountName { get; set; } = null!;

        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        /// <summary>The account this pipeline item names; malformed input is a terminating error before any request.</summary>
        internal AccountId ResolveAccount() => ResolveAccount(SubscriptionId, ResourceGroupName, AccountName);
    }
}
