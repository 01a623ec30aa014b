using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Monitoring
{
    /// <summary>
    /// Turns the guide's detections into log alerts (scheduledQueryRules 2023-12-01) for an account: each rule queries the
    /// Log Analytics workspace the account's diagnostic setting sends to, narrowed to the account by _ResourceId, with the
    /// guide's threshold and severity, and notifies an action group. Rule names are deterministic per account and
    /// detection; a re-run writes nothing when the rules already have these settings.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AoaiAlertRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAlertRule))]
    public sealed class NewAoaiAlertRule : AccountTargetCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string WorkspaceResourceId { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ActionGroupResourceId { get; set; } = null!;

        /// <summary>Detections to alert on (Get-AoaiDetectionQuery names); wildcards allowed. Default: every detection.</summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(DetectionNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Detection { get; set; }

        /// <summary>The resource group the rules are created in. Default: the account's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RuleResourceGroupName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private string _workspace = string.Empty;
        private string _actionGroup = string.Empty;
        private List<AoaiDetectionQuery> _detections = new List<AoaiDetectionQuery>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _workspace = ValidateOrThrow(() => MonitoringIds.Workspace(WorkspaceResourceId), MonitoringErrors.Area + "InvalidWorkspaceId", WorkspaceResourceId);
            _actionGroup = ValidateOrThrow(() => MonitoringIds.ActionGroup(ActionGroupResourceId), MonitoringErrors.Area + "InvalidActionGroupId", ActionGroupResourceId);
            if (RuleResourceGroupName != null)
                ValidateOrThrow(() => AccountId.ValidateResourceGroupName(RuleResourceGroupName), MonitoringErrors.Area + "InvalidResourceGroupName", RuleResourceGroupName);
            if (Detection == null)
            {
                _detections = Detections.All.ToList();
                return;
            }
            foreach (var name in Detection)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = Detections.All.Where(d => pattern.IsMatch(d.Name)).ToList();
                if (matches.Count == 0)
                    MonitoringErrors.Refuse(this, $"no detection matches '{name}'. Detections: {string.Join(", ", Detections.All.Select(d => d.Name))}.", "UnknownDetection", name);
                foreach (var match in matches.Where(m => !_detections.Contains(m))) _detections.Add(match);
            }
        }

        protected override void ProcessRecord()
        {
            var account = ResolveTarget();
            var service = new MonitoringService(Arm);
            try
            {
                string? location = InputObject?.Location;
                if (location == null)
                {
                    try
                    {
                        location = new AccountService(Arm).Get(account, Call).Location;
                    }
                    catch (ArmRequestException ex)
                    {
                        WriteError(MonitoringErrors.Arm(this, ex, account, "reading the account", "AccountReadFailed", account.Id));
                        return;
                    }
                }
                var group = RuleResourceGroupName ?? account.ResourceGroupName;
                var done = new List<string>();
                foreach (var detection in _detections)
                {
                    if (!Ensure(service, account, location, group, detection, done)) return;
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

        /// <summary>One rule: read, compare the fields set here, PUT when they differ. False when a request failed (error written; the account's other rules are skipped).</summary>
        /// <param name="done">The rules this run wrote so far: a failed write says which (a re-run skips them, being in place).</param>
        private bool Ensure(MonitoringService service, AccountId account, string? location, string group, AoaiDetectionQuery detection, List<string> done)
        {
            var name = Detections.RuleName(account.Id, account.Name, detection);
            var path = MonitoringService.AlertRulePath(account.SubscriptionId, group, name);
            JsonObject? current;
            try
            {
                current = service.GetAlertRule(path, Call);
            }
            catch (ArmRequestException ex)
            {
                WriteError(MonitoringErrors.Arm(this, ex, account, $"reading alert rule '{name}'", "AlertRuleReadFailed", path));
                return false;
            }

            // Action groups someone added to the rule are kept.
            var groups = Json.Strings(((current?["properties"] as JsonObject)?["actions"] as JsonObject)?["actionGroups"]).ToList();
            if (!groups.Any(g => Json.EqualsIgnoreCase(g, _actionGroup))) groups.Add(_actionGroup);
            var desired = AlertRules.DesiredProperties(detection, account, _workspace, groups.ToArray());
            if (current != null && AlertRules.Contains(current["properties"], desired))
            {
                WriteVerbose($"{account.Name}: alert rule '{name}' ({detection.Name}) is in place (nothing to do).");
                if (PassThru) WriteObject(AoaiAlertRule.FromJson(current, account, detection.Name));
                return true;
            }

            var body = current == null
                ? new JsonObject { ["location"] = location, ["kind"] = "LogAlert", ["properties"] = new JsonObject() }
                : (JsonObject)current.DeepClone();
            foreach (var field in new[] { "id", "name", "type", "systemData", "etag" }) body.Remove(field);
            if (!(body["properties"] is JsonObject properties)) body["properties"] = properties = new JsonObject();
            properties.Remove("isWorkspaceAlertsStorageConfigured"); // read-only
            foreach (var field in desired.ToList())
            {
                var existing = properties.Select(p => p.Key).FirstOrDefault(k => Json.EqualsIgnoreCase(k, field.Key));
                if (existing != null) properties.Remove(existing);
                properties[field.Key] = field.Value!.DeepClone();
            }

            var action = $"{(current == null ? "Create" : "Update")} alert rule '{name}' ({detection.Name}, severity {detection.Severity}) in resource group '{group}'";
            if (!ShouldProcess($"{account.Name} ({account.Id})", action)) return true;
            try
            {
                var stored = service.PutAlertRule(path, body, Call);
                WriteVerbose($"{account.Name}: {action}: done.");
                done.Add($"{(current == null ? "create" : "update")} alert rule '{name}'");
                if (PassThru) WriteObject(AoaiAlertRule.FromJson(stored, account, detection.Name));
                return true;
            }
            catch (ArmRequestException ex)
            {
                WriteError(ChangePlan.StepFailed(this, ex, MonitoringErrors.Area + "AlertRuleUpdateFailed",
                    $"{(current == null ? "creating" : "updating")} alert rule '{name}' ({detection.Name}) on account '{account.Name}' ({account.Id})", path, done));
                return false;
            }
        }
    }
}
