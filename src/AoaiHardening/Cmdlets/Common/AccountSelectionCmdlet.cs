using System;
using System.Collections.Generic;
using System.Linq;
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

        /// <summary>Every subscription the signed-in identity can read (enabled ones), inventoried through Resource Graph.</summary>
        [Parameter(ParameterSetName = SubscriptionSet)]
        [Parameter(ParameterSetName = ResourceGroupSet)]
        public SwitchParameter AllSubscriptions { get; set; }

        /// <summary>List accounts with one ARM call per subscription instead of Resource Graph (fresh data; ARG lags changes).</summary>
        [Parameter(ParameterSetName = SubscriptionSet)]
        [Parameter(ParameterSetName = ResourceGroupSet)]
        public SwitchParameter NoResourceGraph { get; set; }

        /// <summary>
        /// The accounts the selector parameters name, streamed as ARM returns them. Several subscriptions (or
        /// -AllSubscriptions) are inventoried through Resource Graph unless -NoResourceGraph; one subscription is listed
        /// through ARM, which has no indexing lag, so a check right after a fix sees the fix.
        /// </summary>
        internal IEnumerable<AoaiAccount> SelectAccounts(string[] kinds, bool kindGiven)
        {
            var selector = new AccountSelector(this, kinds, kindGiven);
            if (ParameterSetName == ResourceIdSet) return selector.ByIds(ResourceId, MyInvocation.ExpectingInput);
            if (AllSubscriptions && SubscriptionId != null)
                ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -AllSubscriptions and -SubscriptionId cannot be used together."),
                    "AoaiHardening.Account.ConflictingScope", ErrorCategory.InvalidArgument, SubscriptionId));
            var subscriptions = AllSubscriptions ? selector.AllSubscriptions() : ResolveSubscriptions(SubscriptionId?.Distinct(StringComparer.OrdinalIgnoreCase).ToArray());
            var graph = !NoResourceGraph && (AllSubscriptions || subscriptions.Count > 1);
            return ParameterSetName == ResourceGroupSet
                ? selector.InResourceGroup(subscriptions, ResourceGroupName, Name, graph)
                : selector.InSubscriptions(subscriptions, Name, graph);
        }
    }
}
