using System.Collections.Generic;
using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets
{
    /// <summary>
    /// The account selectors of Get-AoaiAccount, shared by every cmdlet that selects accounts the same way (the
    /// compliance cmdlets): a subscription (default), a resource group with optional name (wildcards), or resource ids.
    /// </summary>
    public abstract class AccountSelectionCmdlet : AoaiCmdlet
    {
        protected const string SubscriptionSet = "Subscription";
        protected const string ResourceGroupSet = "ResourceGroup";
        protected const string ResourceIdSet = "ResourceId";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ResourceGroupSet)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        [Parameter(Position = 1, ParameterSetName = ResourceGroupSet)]
        [Parameter(ParameterSetName = SubscriptionSet)]
        [Alias("AccountName")]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(AccountNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Name { get; set; }

        [Parameter(ParameterSetName = SubscriptionSet)]
        [Parameter(ParameterSetName = ResourceGroupSet)]
        [ValidateNotNullOrEmpty]
        public string[]? SubscriptionId { get; set; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceIdSet)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string[] ResourceId { get; set; } = null!;

        /// <summary>The accounts the selector parameters name, streamed as ARM returns them.</summary>
        internal IEnumerable<AoaiAccount> SelectAccounts(string[] kinds, bool kindGiven)
        {
            var selector = new AccountSelector(this, kinds, kindGiven);
            return ParameterSetName switch
            {
                ResourceIdSet => selector.ByIds(ResourceId, MyInvocation.ExpectingInput),
                ResourceGroupSet => selector.InResourceGroup(ResolveSubscriptions(SubscriptionId), ResourceGroupName, Name),
                _ => selector.InSubscriptions(ResolveSubscriptions(SubscriptionId), Name),
            };
        }
    }
}
