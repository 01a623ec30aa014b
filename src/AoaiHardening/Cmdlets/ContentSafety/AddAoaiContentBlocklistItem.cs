using System;
using System.Collections.Generic;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// Adds patterns to an existing blocklist with the batch API, 100 per call. Idempotent: patterns already there (same
    /// text, same kind) are not sent again, and each item is named after its pattern. Every pattern is checked before any
    /// request; a missing blocklist is an error before any write.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "AoaiContentBlocklistItem", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentBlocklist))]
    public sealed class AddAoaiContentBlocklistItem : ExistingBlocklistCmdlet
    {
        /// <summary>The blocklist to add to.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string BlocklistName { get; set; } = null!;

        /// <summary>Terms (or, with -Regex, regular expressions) to block.</summary>
        [Parameter(Mandatory = true)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [AllowNull]
        public string[] Pattern { get; set; } = null!;

        /// <summary>The patterns are .NET-compatible regular expressions (each must compile).</summary>
        [Parameter]
        public SwitchParameter Regex { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override string? GivenBlocklistName => BlocklistName;

        private IReadOnlyList<string> _patterns = Array.Empty<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _patterns = ValidatePatterns(Pattern, Regex);
        }

        protected override void ProcessRecord()
        {
            var (account, name) = ResolveBlocklist();
            var service = new ContentSafetyService(Arm);
            var step = new Step();
            var target = Describe(account, name);
            var kind = Regex ? "regex pattern" : "pattern";
            try
            {
                var existing = Read(service, account, name, step);
                if (existing == null)
                {
                    WriteError(NotFoundError(account, name, $"adding {BlocklistInput.Count(_patterns.Count, kind)}"));
                    return;
                }
                var missing = BlocklistInput.Missing(existing.Items, _patterns, Regex);
                if (missing.Count < _patterns.Count)
                    WriteVerbose($"{target}: {BlocklistInput.Count(_patterns.Count - missing.Count, kind)} already there.");
                if (missing.Count == 0)
                {
                    WriteVerbose($"{target} already holds every pattern: nothing to do.");
                    if (PassThru) WriteObject(existing);
                    return;
                }
                if (!ShouldProcess(target, $"Add {BlocklistInput.Count(missing.Count, kind)}")) return;

                AddPatterns(service, account, name, missing, Regex, step);

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
