using System;
using System.Collections.Generic;
using System.Management.Automation;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Accounts
{
    /// <summary>
    /// Lists or gets Azure OpenAI / AI Services accounts. Results stream as ARM pages arrive. Listing returns kinds OpenAI
    /// and AIServices unless -Kind says otherwise; an exact name or id returns the account whatever its kind.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiAccount", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class GetAoaiAccount : AoaiCmdlet
    {
        internal const string SubscriptionSet = "Subscription";
        internal const string ResourceGroupSet = "ResourceGroup";
        internal const string ResourceIdSet = "ResourceId";

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

        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Kind { get; set; } = AccountSelector.DefaultKinds;

        protected override void ProcessRecord()
        {
            try
            {
                var selector = new AccountSelector(this, Kind, MyInvocation.BoundParameters.ContainsKey(nameof(Kind)));
                foreach (var account in Select(selector))
                {
                    WriteObject(account);
                    DrainMessages();
                }
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }

        private IEnumerable<AoaiAccount> Select(AccountSelector selector) => ParameterSetName switch
        {
            ResourceIdSet => selector.ByIds(ResourceId, MyInvocation.ExpectingInput),
            ResourceGroupSet => selector.InResourceGroup(ResourceSubscriptions(), ResourceGroupName, Name),
            _ => selector.InSubscriptions(ResourceSubscriptions(), Name),
        };

        private string[] ResourceSubscriptions() => ResolveSubscriptions(SubscriptionId);
    }
}
