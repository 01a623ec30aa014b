using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

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
        private const string SubscriptionSet = "Subscription";
        private const string ResourceGroupSet = "ResourceGroup";
        private const string ResourceIdSet = "ResourceId";
        internal static readonly string[] DefaultKinds = { "OpenAI", "AIServices" };

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
        public string[] Kind { get; set; } = DefaultKinds;

        private AccountService _service = null!;
        private WildcardPattern[] _kindPatterns = Array.Empty<WildcardPattern>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _service = new AccountService(Arm);
            _kindPatterns = Kind.Select(k => WildcardPattern.Get(k, WildcardOptions.IgnoreCase)).ToArray();
        }

        protected override void ProcessRecord()
        {
            try
            {
                switch (ParameterSetName)
                {
                    case ResourceIdSet:
                        GetByIds();
                        break;
                    case ResourceGroupSet:
                        GetInResourceGroups();
                        break;
                    default:
                        foreach (var subscription in ResolveSubscriptions(SubscriptionId))
                            List(subscription, () => _service.ListBySubscription(subscription, Call), null);
                        break;
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

        private void GetByIds()
        {
            // Validate every id first: one malformed id stops the command before any request is made.
            var ids = new List<AccountId>();
            foreach (var id in ResourceId)
            {
                if (MyInvocation.ExpectingInput && AccountId.IsOtherResourceType(id))
                {
                    // Get-AzResource | Get-AoaiAccount: other resource types in the stream are not ours, not errors.
                    WriteVerbose($"Skipping '{id}': not a {AccountId.ResourceType}.");
                    continue;
                }
                ids.Add(ValidateOrThrow(() => AccountId.Parse(id), "AoaiHardening.Account.InvalidResourceId", id));
            }
            foreach (var id in ids) GetOne(id);
        }

        private void GetInResourceGroups()
        {
            foreach (var subscription in ResolveSubscriptions(SubscriptionId))
            {
                if (WildcardPattern.ContainsWildcardCharacters(ResourceGroupName))
                {
                    var group = WildcardPattern.Get(ResourceGroupName, WildcardOptions.IgnoreCase);
                    List(subscription, () => _service.ListBySubscription(subscription, Call), a => group.IsMatch(a.ResourceGroupName));
                }
                else if (Name != null && !WildcardPattern.ContainsWildcardCharacters(Name))
                {
                    GetOne(ValidateOrThrow(() => AccountId.Create(subscription, ResourceGroupName, Name), "AoaiHardening.Account.InvalidName", Name));
                }
                else
                {
                    ValidateOrThrow(() => AccountId.ValidateResourceGroupName(ResourceGroupName), "AoaiHardening.Account.InvalidResourceGroupName", ResourceGroupName);
                    List(subscription, () => _service.ListByResourceGroup(subscription, ResourceGroupName, Call), null);
                }
            }
        }

        private void GetOne(AccountId id)
        {
            try
            {
                var account = _service.Get(id, Call);
                // An exact name or id was asked for: honour -Kind only when the user gave it.
                if (!MyInvocation.BoundParameters.ContainsKey(nameof(Kind)) || KindMatches(account)) WriteObject(account);
            }
            catch (ArmRequestException ex)
            {
                var errorId = ex.Status == 404 ? "AoaiHardening.Account.NotFound" : "AoaiHardening.Account.ReadFailed";
                WriteError(ArmErrorRecord(ex, errorId, $"reading account '{id.Name}' in resource group '{id.ResourceGroupName}'", id.Id));
            }
        }

        private void List(string subscription, Func<IEnumerable<AoaiAccount>> list, Func<AoaiAccount, bool>? filter)
        {
            var name = Name == null ? null : WildcardPattern.Get(Name, WildcardOptions.IgnoreCase);
            try
            {
                foreach (var account in list())
                {
                    if (KindMatches(account) && (name == null || name.IsMatch(account.Name)) && (filter == null || filter(account)))
                        WriteObject(account);
                    DrainMessages();
                }
            }
            catch (ArmRequestException ex)
            {
                var scope = ParameterSetName == ResourceGroupSet && !WildcardPattern.ContainsWildcardCharacters(ResourceGroupName)
                    ? $"resource group '{ResourceGroupName}' of subscription '{subscription}'" : $"subscription '{subscription}'";
                var errorId = ex.Status == 404 ? "AoaiHardening.Account.ScopeNotFound" : "AoaiHardening.Account.ListFailed";
                WriteError(ArmErrorRecord(ex, errorId, $"listing accounts in {scope}", subscription));
            }
        }

        private bool KindMatches(AoaiAccount account) => _kindPatterns.Any(p => p.IsMatch(account.Kind ?? string.Empty));
    }
}
