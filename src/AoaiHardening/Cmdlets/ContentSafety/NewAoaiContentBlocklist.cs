using System;
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
    /// Creates a custom content blocklist (PUT) when it does not exist and adds the patterns it lacks with the batch API,
    /// 100 per call. Idempotent: patterns already there (same text, same kind) are not sent again, each item is named
    /// after its pattern, and a re-run writes nothing. Every pattern is checked before any request.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AoaiContentBlocklist", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiContentBlocklist))]
    public sealed class NewAoaiContentBlocklist : ContentBlocklistCmdlet
    {
        /// <summary>The blocklist name: 1-64 letters, digits, '_', '.', '-'.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        /// <summary>Terms (or, with -Regex, regular expressions) to block.</summary>
        [Parameter(Mandatory = true)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        [AllowNull]
        public string[] Pattern { get; set; } = null!;

        /// <summary>The patterns are .NET-compatible regular expressions (each must compile).</summary>
        [Parameter]
        public SwitchParameter Regex { get; set; }

        /// <summary>The blocklist's description; on an existing blocklist it is updated only when this is given.</summary>
        [Parameter]
        public string? Description { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private string _name = null!;
        private IReadOnlyList<string> _patterns = Array.Empty<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _name = ValidateBlocklistName(Name, Name);
            _patterns = ValidatePatterns(Pattern, Regex);
        }

        protected override void ProcessRecord()
        {
            var account = ResolveAccount();
            var service = new ContentSafetyService(Arm);
            var step = new Step();
            var target = Describe(account, _name);
            try
            {
                var existing = Read(service, account, _name, step);
                var missing = existing == null ? _patterns : BlocklistInput.Missing(existing.Items, _patterns, Regex);
                var updateDescription = existing != null && Description != null &&
                                        !string.Equals(existing.Description ?? string.Empty, Description, StringComparison.Ordinal);
                if (existing != null && missing.Count < _patterns.Count)
                    WriteVerbose($"{target}: {BlocklistInput.Count(_patterns.Count - missing.Count, Regex ? "regex pattern" : "pattern")} already there.");
                if (existing != null && missing.Count == 0 && !updateDescription)
                {
                    WriteVerbose($"{target} already holds every pattern{(Description != null ? " and the description" : string.Empty)}: nothing to do.");
                    if (PassThru) WriteObject(existing);
                    return;
                }

                var actions = new List<string>();
                if (existing == null) actions.Add("Create the content blocklist");
                if (updateDescription) actions.Add($"set its description to '{Description}'");
                if (missing.Count > 0) actions.Add($"add {BlocklistInput.Count(missing.Count, Regex ? "regex pattern" : "pattern")}");
                if (!ShouldProcess(target, BlocklistInput.Sentence(actions))) return;

                if (existing == null)
                {
                    step.Set("AoaiHardening.ContentSafety.BlocklistCreateFailed", $"creating {target}");
                    var properties = new JsonObject();
                    if (Description != null) properties["description"] = Description;
                    service.PutBlocklist(account, _name, new JsonObject { ["properties"] = properties }, Call);
                    WriteVerbose($"Created {target}.");
                    step.Done.Add($"create {target}");
                }
                else if (updateDescription)
                {
                    // The blocklist as received, with only the description changed.
                    step.Set("AoaiHardening.ContentSafety.BlocklistUpdateFailed", $"updating the description of {target}");
                    var body = (JsonObject)existing.Resource.DeepClone();
                    if (!(body["properties"] is JsonObject props)) body["properties"] = props = new JsonObject();
                    props["description"] = Description;
                    service.PutBlocklist(account, _name, body, Call);
                    WriteVerbose($"Updated the description of {target}.");
                    step.Done.Add($"update the description of {target}");
                }

                if (missing.Count > 0) AddPatterns(service, account, _name, missing, Regex, step);

                if (PassThru)
                {
                    var after = Read(service, account, _name, step);
                    if (after != null) WriteObject(after);
                }
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && step.ErrorId == "AoaiHardening.ContentSafety.BlocklistCreateFailed")
            {
                // A child PUT finds nothing only when the parent is missing.
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"{step.Operation} (account {account.Id})", account.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(StepError(ex, step, account, _name));
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
