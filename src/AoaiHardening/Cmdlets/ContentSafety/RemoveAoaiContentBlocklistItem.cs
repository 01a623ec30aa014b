using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Removes items from a blocklist with the batch API, chosen by pattern text (-Pattern) or by item name (-ItemName).
    /// Patterns or names the blocklist does not hold are not sent (the verbose stream says so); when none is there,
    /// nothing is written.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "AoaiContentBlocklistItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentBlocklist))]
    public sealed class RemoveAoaiContentBlocklistItem : ExistingBlocklistCmdlet
    {
        /// <summary>The blocklist to remove from.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string BlocklistName { get; set; } = null!;

        /// <summary>Patterns whose items to remove (exact text; terms and regular expressions alike).</summary>
        [Parameter]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[]? Pattern { get; set; }

        /// <summary>Names of the items to remove.</summary>
        [Parameter]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[]? ItemName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override string? GivenBlocklistName => BlocklistName;

        private IReadOnlyList<string> _patterns = Array.Empty<string>();
        private readonly List<string> _itemNames = new List<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if ((Pattern == null) == (ItemName == null))
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"{MyInvocation.MyCommand.Name}: pass the items to remove either by -Pattern or by -ItemName (one of the two)."),
                    "AoaiHardening.ContentSafety.InvalidItemSelection", ErrorCategory.InvalidArgument, null));
            if (Pattern != null) _patterns = ValidatePatterns(Pattern, false);
            foreach (var name in ItemName ?? Array.Empty<string>())
            {
                var valid = ValidateOrThrow(() => BlocklistInput.ValidateItemName(name), "AoaiHardening.ContentSafety.InvalidItemName", name);
                if (!_itemNames.Contains(valid, StringComparer.OrdinalIgnoreCase)) _itemNames.Add(valid);
            }
        }

        protected override void ProcessRecord()
        {
            var (account, name) = ResolveBlocklist();
            var service = new ContentSafetyService(Arm);
            var step = new Step();
            var target = Describe(account, name);
            try
            {
                var existing = Read(service, account, name, step);
                if (existing == null)
                {
                    WriteError(NotFoundError(account, name, "removing items"));
                    return;
                }

                var remove = new List<AoaiContentBlocklistItem>();
                if (Pattern != null)
                {
                    foreach (var pattern in _patterns)
                    {
                        var matches = existing.Items.Where(i => string.Equals(i.Pattern, pattern, StringComparison.Ordinal)).ToList();
                        if (matches.Count == 0) WriteVerbose($"{target}: no item with the pattern '{pattern}' to remove.");
                        remove.AddRange(matches.Where(m => !remove.Contains(m)));
                    }
                }
                else
                {
                    foreach (var itemName in _itemNames)
                    {
                        var match = existing.Items.FirstOrDefault(i => string.Equals(i.Name, itemName, StringComparison.OrdinalIgnoreCase));
                        if (match == null) WriteVerbose($"{target}: no item named '{itemName}' to remove.");
                        else if (!remove.Contains(match)) remove.Add(match);
                    }
                }
                if (remove.Count == 0)
                {
                    WriteVerbose($"{target} holds none of the items given: nothing to do.");
                    if (PassThru) WriteObject(existing);
                    return;
                }

                var listed = string.Join(", ", remove.Take(5).Select(i => $"'{i}'")) + (remove.Count > 5 ? $" and {remove.Count - 5} more" : string.Empty);
                if (!ShouldProcess(target, $"Remove {BlocklistInput.Count(remove.Count, "item")} ({listed})")) return;

                var batches = BlocklistInput.Chunk(remove.Select(i => i.Name).ToList(), ContentSafetyService.BlocklistBatchSize).ToList();
                var removed = 0;
                for (var i = 0; i < batches.Count; i++)
                {
                    step.Set("AoaiHardening.ContentSafety.RemoveItemsFailed",
                        $"removing {BlocklistInput.Count(batches[i].Count, "item")} from {target}" +
                        (batches.Count > 1 ? $" (batch {i + 1} of {batches.Count}; {removed} of {remove.Count} removed before it)" : string.Empty));
                    service.DeleteBlocklistItems(account, name, batches[i], Call);
                    removed += batches[i].Count;
                }
                WriteVerbose($"Removed {BlocklistInput.Count(remove.Count, "item")} from {target}.");

                if (PassThru)
                {
                    var after = Read(service, account, name, step);
                    if (after != null) WriteObject(after);
                }
            }
            catch (ArmRequestException ex)
            {
                WriteError(StepError(ex, step, account, name));
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
    }
}
