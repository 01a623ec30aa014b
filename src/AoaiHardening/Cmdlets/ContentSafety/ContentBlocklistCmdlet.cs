using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// What the blocklist cmdlets share: input checks with their error ids, reading a blocklist with its items, the
    /// batched add, and error records that name the account, the blocklist and the step that failed.
    /// </summary>
    public abstract class ContentBlocklistCmdlet : AccountChildCmdlet
    {
        /// <summary>The ARM call in progress, for the error record should it fail.</summary>
        internal sealed class Step
        {
            public string ErrorId { get; private set; } = "AoaiHardening.ContentSafety.BlocklistReadFailed";
            public string Operation { get; private set; } = string.Empty;

            /// <summary>What the writes of this run completed before the current step (a failure reports them).</summary>
            public List<string> Done { get; } = new List<string>();

            public void Set(string errorId, string operation)
            {
                ErrorId = errorId;
                Operation = operation;
            }
        }

        internal string ValidateBlocklistName(string name, object target) =>
            ValidateOrThrow(() => BlocklistInput.ValidateBlocklistName(name), "AoaiHardening.ContentSafety.InvalidBlocklistName", target);

        internal IReadOnlyList<string> ValidatePatterns(string[]? patterns, bool isRegex) =>
            ValidateOrThrow(() => BlocklistInput.ValidatePatterns(patterns, isRegex), "AoaiHardening.ContentSafety.InvalidPattern", patterns);

        /// <summary>"blocklist 'x' of account 'y'": how messages and ShouldProcess name the target.</summary>
        internal static string Describe(AccountId account, string name) => $"blocklist '{name}' of account '{account.Name}'";

        /// <summary>The blocklist with its items; null when the blocklist does not exist.</summary>
        internal AoaiContentBlocklist? Read(ContentSafetyService service, AccountId account, string name, Step step)
        {
            step.Set("AoaiHardening.ContentSafety.BlocklistReadFailed", $"reading {Describe(account, name)}");
            var json = service.GetBlocklist(account, name, Call);
            return json == null ? null : AoaiContentBlocklist.FromJson(json, service.ListBlocklistItems(account, name, Call).ToList(), account);
        }

        /// <summary>
        /// Adds the patterns with the batch API, <see cref="ContentSafetyService.BlocklistBatchSize"/> per call, each item
        /// named after its pattern. A failing batch stops the rest; the error says how many were added before it.
        /// </summary>
        internal void AddPatterns(ContentSafetyService service, AccountId account, string name, IReadOnlyList<string> patterns, bool isRegex, Step step)
        {
            var batches = BlocklistInput.Chunk(patterns, ContentSafetyService.BlocklistBatchSize).ToList();
            var added = 0;
            var kind = isRegex ? "regex pattern" : "pattern";
            for (var i = 0; i < batches.Count; i++)
            {
                var batch = batches[i];
                step.Set("AoaiHardening.ContentSafety.AddItemsFailed",
                    $"adding {BlocklistInput.Count(batch.Count, kind)} to {Describe(account, name)}" +
                    (batches.Count > 1 ? $" (batch {i + 1} of {batches.Count}; {added} of {patterns.Count} added before it)" : string.Empty));
                service.AddBlocklistItems(account, name, batch.Select(p => (BlocklistInput.ItemName(p, isRegex), p, isRegex)), Call);
                added += batch.Count;
                WriteVerbose($"Added {BlocklistInput.Count(batch.Count, kind)} to {Describe(account, name)}" +
                             (batches.Count > 1 ? $" (batch {i + 1} of {batches.Count})." : "."));
            }
        }

        /// <summary>
        /// The error record for an ARM failure at a step. A missing account (404 ParentResourceNotFound) is reported as
        /// AoaiHardening.Account.NotFound whatever the step.
        /// </summary>
        internal ErrorRecord StepError(ArmRequestException ex, Step step, AccountId account, string name) =>
            IsAccountMissing(ex)
                ? ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"{step.Operation} (account {account.Id})", account.Id)
                : ChangePlan.StepFailed(this, ex, step.ErrorId, step.Operation, ContentSafetyService.BlocklistPath(account, name), step.Done);

        internal static bool IsAccountMissing(ArmRequestException ex) => ex.Status == 404 && ex.ErrorCode == "ParentResourceNotFound";

        internal ErrorRecord NotFoundError(AccountId account, string name, string operation) => new ErrorRecord(
            new ItemNotFoundException($"{MyInvocation.MyCommand.Name}: {operation}: {Describe(account, name)} does not exist. " +
                                      "Create it with New-AoaiContentBlocklist, or list the account's blocklists with Get-AoaiContentBlocklist."),
            "AoaiHardening.ContentSafety.BlocklistNotFound", ErrorCategory.ObjectNotFound, ContentSafetyService.BlocklistPath(account, name));
    }

    /// <summary>
    /// Base of the cmdlets that act on one existing blocklist: named by an account (pipeline, -ResourceId, or
    /// -ResourceGroupName and -AccountName) and the derived cmdlet's name parameter, or by an AoaiContentBlocklist from the
    /// pipeline (Get-AoaiContentBlocklist), which names both. A name given as a parameter is checked before any request.
    /// </summary>
    public abstract class ExistingBlocklistCmdlet : ContentBlocklistCmdlet
    {
        protected const string BlocklistSet = "Blocklist";

        /// <summary>A blocklist from Get-AoaiContentBlocklist: its AccountId and Name say which one.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = BlocklistSet)]
        [ValidateNotNull]
        public AoaiContentBlocklist Blocklist { get; set; } = null!;

        /// <summary>The blocklist name the derived cmdlet's own parameter holds; null in the Blocklist set.</summary>
        protected abstract string? GivenBlocklistName { get; }

        private string? _name;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (GivenBlocklistName != null) _name = ValidateBlocklistName(GivenBlocklistName, GivenBlocklistName);
        }

        /// <summary>The account and blocklist this pipeline item names; malformed input is a terminating error before any request.</summary>
        internal (AccountId Account, string Name) ResolveBlocklist()
        {
            if (Blocklist != null) return (AccountIdFrom(Blocklist.AccountId, Blocklist), ValidateBlocklistName(Blocklist.Name, Blocklist));
            return (ResolveAccount(), _name!);
        }
    }
}
