using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.ContentSafety
{
    /// <summary>
    /// What the content-safety cmdlets share: selecting deployments by name, pointing a deployment at a content filter
    /// (the deployment PUT round-trip with only raiPolicyName changed), and their error records.
    /// </summary>
    internal static class ContentFilterAssignment
    {
        internal const string Area = "AoaiHardening.ContentSafety.";
        private static int _nextActivityId = 4700;

        /// <summary>Fields ARM computes on a deployment (arm-api.md §1.3): not sent back on a PUT.</summary>
        private static readonly string[] ReadOnlyProperties = { "provisioningState", "capabilities", "rateLimits", "dynamicThrottlingEnabled" };

        /// <summary>
        /// The deployments the names select (wildcards allowed; all when none). Exact names are single GETs; an exact
        /// name that does not exist is a non-terminating DeploymentNotFound. ARM failures become errors on the cmdlet.
        /// </summary>
        public static IEnumerable<AoaiDeployment> Select(AoaiCmdlet cmdlet, ContentSafetyService service, AccountId account, string[]? names)
        {
            var exact = names != null && names.All(n => !WildcardPattern.ContainsWildcardCharacters(n));
            if (exact)
            {
                foreach (var name in names!.Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    JsonObject? json;
                    try
                    {
                        json = service.GetDeployment(account, name, cmdlet.Call);
                    }
                    catch (ArmRequestException ex)
                    {
                        cmdlet.WriteError(ReadError(cmdlet, ex, account, $"reading deployment '{name}'"));
                        continue;
                    }
                    if (json == null)
                    {
                        cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException($"{cmdlet.MyInvocation.MyCommand.Name}: account '{account.Name}' has no deployment '{name}'."),
                            Area + "DeploymentNotFound", ErrorCategory.ObjectNotFound, name));
                        continue;
                    }
                    yield return AoaiDeployment.FromJson(json, account);
                }
                yield break;
            }

            var patterns = names?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
            using var items = service.ListDeployments(account, cmdlet.Call).GetEnumerator();
            while (true)
            {
                // C# cannot yield inside try/catch: advance inside it, yield outside.
                try
                {
                    if (!items.MoveNext()) yield break;
                }
                catch (ArmRequestException ex)
                {
                    cmdlet.WriteError(ReadError(cmdlet, ex, account, "listing deployments"));
                    yield break;
                }
                var deployment = AoaiDeployment.FromJson(items.Current, account);
                if (patterns == null || patterns.Any(p => p.IsMatch(deployment.Name))) yield return deployment;
            }
        }

        /// <summary>
        /// Points each deployment at the policy: no write when it already uses it; otherwise ShouldProcess, then the PUT of
        /// the deployment as received with only raiPolicyName changed (model, sku and unknown fields kept), the LRO
        /// awaited with progress, and the result verified. Returns the deployments as they are afterwards.
        /// </summary>
        /// <param name="done">What this run changed before (e.g. the policy it created); each deployment changed is added,
        /// and a failure says what was done before it.</param>
        public static IEnumerable<AoaiDeployment> Assign(AoaiCmdlet cmdlet, ContentSafetyService service, AccountId account, string policyName, IEnumerable<AoaiDeployment> deployments,
            List<string>? done = null)
        {
            done ??= new List<string>();
            var activity = $"Set content filter '{policyName}'";
            var activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);
            foreach (var deployment in deployments)
            {
                if (string.Equals(deployment.RaiPolicyName, policyName, StringComparison.OrdinalIgnoreCase))
                {
                    cmdlet.WriteVerbose($"{account.Name}/{deployment.Name}: already uses content filter '{deployment.RaiPolicyName}' (nothing to do).");
                    yield return deployment;
                    continue;
                }
                var from = deployment.RaiPolicyName ?? "(none: the service default)";
                if (!cmdlet.ShouldProcess($"deployment '{deployment.Name}' of account '{account.Name}' ({deployment.Id})", $"Set content filter from '{from}' to '{policyName}'"))
                    continue;

                var body = (JsonObject)deployment.Resource.DeepClone();
                foreach (var field in new[] { "id", "name", "type", "etag", "systemData" }) body.Remove(field);
                if (!(body["properties"] is JsonObject properties)) body["properties"] = properties = new JsonObject();
                foreach (var field in ReadOnlyProperties) properties.Remove(field);
                (properties["scaleSettings"] as JsonObject)?.Remove("activeCapacity");
                properties["raiPolicyName"] = policyName;
                // The spec declares no If-Match on deployments (arm-api.md §1.7), so the PUT carries none.

                AoaiDeployment updated;
                try
                {
                    var final = service.PutDeployment(account, deployment.Name, body, cmdlet.CallWithProgress(activityId, activity, deployment.Name));
                    updated = AoaiDeployment.FromJson(final, account);
                }
                catch (ArmRequestException ex)
                {
                    cmdlet.WriteError(ChangePlan.StepFailed(cmdlet, ex, Area + "AssignFailed",
                        $"setting content filter '{policyName}' on deployment '{deployment.Name}' of account '{account.Name}'", deployment.Id, done));
                    continue;
                }
                finally
                {
                    cmdlet.CompleteProgress(activityId, activity);
                }
                if (!string.Equals(updated.RaiPolicyName, policyName, StringComparison.OrdinalIgnoreCase))
                {
                    cmdlet.WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{cmdlet.MyInvocation.MyCommand.Name}: deployment '{deployment.Name}' of account '{account.Name}' reported success but uses content filter '{updated.RaiPolicyName}' afterwards (provisioningState {updated.ProvisioningState})."),
                        Area + "NotApplied", ErrorCategory.InvalidResult, updated));
                    continue;
                }
                cmdlet.WriteVerbose($"{account.Name}/{deployment.Name}: content filter '{from}' -> '{policyName}'.");
                done.Add($"set content filter '{policyName}' on deployment '{deployment.Name}'");
                yield return updated;
            }
        }

        /// <summary>Warnings for a policy that would still fail the Default-baseline content rules once assigned.</summary>
        public static IEnumerable<string> Weaknesses(JsonObject? properties, string policyName)
        {
            var harm = ContentFilterPolicies.HarmProblems(properties);
            if (harm.Count > 0) yield return $"Content filter '{policyName}' does not block all harmful content ({string.Join(", ", harm)}); AOAI-CSF-001 will still fail.";
            if (!ContentFilterPolicies.ShieldBlocks(properties, ContentFilterPolicies.Jailbreak)) yield return $"Content filter '{policyName}' does not block jailbreak attempts; AOAI-CSF-002 will still fail.";
            if (ContentFilterPolicies.IsAsynchronous(Json.Str(properties?["mode"]))) yield return $"Content filter '{policyName}' filters asynchronously (mode {Json.Str(properties?["mode"])}); AOAI-CSF-004 will still fail.";
        }

        public static ErrorRecord PolicyNotFound(AoaiCmdlet cmdlet, AccountId account, string name) =>
            new ErrorRecord(new ItemNotFoundException($"{cmdlet.MyInvocation.MyCommand.Name}: account '{account.Name}' has no content filter policy '{name}'. " +
                "Create it with New-AoaiContentFilterPolicy (or pass -Preset to create it from a preset)."),
                Area + "PolicyNotFound", ErrorCategory.ObjectNotFound, name);

        /// <summary>A failed read: account not found (404 on the account's children) or another ARM failure.</summary>
        public static ErrorRecord ReadError(AoaiCmdlet cmdlet, ArmRequestException ex, AccountId account, string operation) =>
            ex.Status == 404 && (ex.ErrorCode == "ResourceNotFound" || ex.ErrorCode == "ResourceGroupNotFound")
                ? cmdlet.ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"{operation} of account '{account.Name}' ({account.Id})", account.Id)
                : cmdlet.ArmErrorRecord(ex, Area + "ReadFailed", $"{operation} of account '{account.Name}' ({account.Id})", account.Id);

        /// <summary>
        /// Exact deployment names (-DeploymentName, -Name) become URL path segments: each must be a name ARM accepts,
        /// checked before any request. Wildcard patterns only filter a list, so they are not checked.
        /// </summary>
        public static void ValidateDeploymentNames(AoaiCmdlet cmdlet, string[]? names) =>
            ValidateExactNames(cmdlet, names, "deployment", Area + "InvalidDeploymentName");

        /// <summary>The same for any child name list (policies, deployments): exact names checked, wildcard patterns left to filter.</summary>
        public static void ValidateExactNames(AoaiCmdlet cmdlet, string[]? names, string what, string errorId)
        {
            foreach (var name in names ?? Array.Empty<string>())
                if (!WildcardPattern.ContainsWildcardCharacters(name))
                    cmdlet.ValidateOrThrow(() => ValidateChildName(name, what), errorId, name);
        }

        /// <summary>A name ARM accepts for a policy, blocklist or deployment (checked before any request).</summary>
        public static void ValidateChildName(string name, string what)
        {
            if (name == null || !BlocklistInput.NameRule.IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid {what} name: use 1-{BlocklistInput.MaxNameLength} letters, digits, '-', '_' or '.'.");
        }
    }
}
