using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// AOAI-CSF-001..005 (rules.md, "Content safety"): judged per deployment, one outcome per deployment with the
    /// deployment's name as the target, on the policy (content filter) the deployment names. The conditions themselves
    /// live in <see cref="ContentFilterPolicies"/>, shared with the content-safety cmdlets.
    /// </summary>
    /// <remarks>
    /// Policy resolution (the same for every rule, live and offline):
    /// <list type="bullet">
    /// <item>no raiPolicyName: CSF-001 fails (rules.md); CSF-002..005 judge the documented default, which the service
    /// applies, and say so;</item>
    /// <item>a name among the account's raiPolicies (case-insensitive): that policy;</item>
    /// <item>a system name (Microsoft.*) that cannot be read: the documented default, said in the message (rules.md);</item>
    /// <item>a custom name that cannot be found: NotEvaluated for that deployment (the policy is what is missing);</item>
    /// <item>a template expression: NotEvaluated, unless a policy of the same template carries exactly that name text
    /// (Bicep's <c>raiPolicyName: policy.name</c>), which is then the policy.</item>
    /// </list>
    /// </remarks>
    internal static class ContentSafetyRules
    {
        public const string DeploymentsType = "Microsoft.CognitiveServices/accounts/deployments";
        public const string PoliciesType = "Microsoft.CognitiveServices/accounts/raiPolicies";

        private const string HarmExpected = "Hate, Sexual, Violence, Selfharm on Prompt and Completion: enabled, blocking, severityThreshold Low or Medium";
        private const string DefaultAssumed = "the documented default was assumed (harm filters at Medium, blocking; Jailbreak on prompts)";

        /// <summary>The policy a deployment is judged on, and how it was found.</summary>
        private sealed class Resolved
        {
            public Resolved(string deployment, string? policyName, JsonObject? properties, string? note)
            {
                Deployment = deployment;
                PolicyName = policyName;
                Properties = properties;
                Note = note;
            }

            public string Deployment { get; }
            /// <summary>The name the deployment gives (null when it names none).</summary>
            public string? PolicyName { get; }
            /// <summary>The policy's properties; the documented default where the policy could not be read.</summary>
            public JsonObject? Properties { get; }
            /// <summary>Why the documented default stands in (appended to the message), or null.</summary>
            public string? Note { get; }

            /// <summary>"Deployment 'd' (policy 'p')": how every message starts.</summary>
            public string Who => PolicyName == null ? $"Deployment '{Deployment}' (no content filter named)" : $"Deployment '{Deployment}' (policy '{PolicyName}')";

            public string Say(string message) => Note == null ? message : $"{message} {Note}";
        }

        // ------------------------------------------------------------------ the rules

        /// <summary>AOAI-CSF-001: the four harm categories on both sources, present, enabled, blocking and not at High.</summary>
        public static IEnumerable<RuleOutcome> EvaluateHarm(RuleContext c) => PerDeployment(c, failWithoutPolicy: true, judge: r =>
        {
            ThrowIfFilterExpressions(r, ContentFilterPolicies.HarmCategories);
            var problems = ContentFilterPolicies.HarmProblems(r.Properties);
            return problems.Count == 0
                ? RuleOutcome.Pass(r.Say($"{r.Who} blocks hate, sexual, violence and self-harm content on prompts and completions."),
                    $"raiPolicyName={r.PolicyName ?? "(none)"}", HarmExpected, r.Deployment)
                : RuleOutcome.Fail(r.Say($"{r.Who} does not block every harm category: {string.Join(", ", problems)}."),
                    string.Join(", ", problems), HarmExpected, r.Deployment);
        });

        /// <summary>AOAI-CSF-002 (Jailbreak) and CSF-003 (Indirect Attack): the shield's Prompt entry is enabled and blocking.</summary>
        public static IEnumerable<RuleOutcome> EvaluateShield(RuleContext c, string shield) => PerDeployment(c, failWithoutPolicy: false, judge: r =>
        {
            ThrowIfFilterExpressions(r, new[] { shield });
            var actual = DescribeShield(r.Properties, shield);
            var expected = $"{shield}/{ContentFilterPolicies.Prompt}: enabled=true, blocking=true";
            return ContentFilterPolicies.ShieldBlocks(r.Properties, shield)
                ? RuleOutcome.Pass(r.Say($"{r.Who}: the {shield} shield blocks."), actual, expected, r.Deployment)
                : RuleOutcome.Fail(r.Say($"{r.Who}: the {shield} shield does not block."), actual, expected, r.Deployment);
        });

        /// <summary>AOAI-CSF-004: the policy's mode is neither Asynchronous_filter nor Deferred (absent: Default).</summary>
        public static IEnumerable<RuleOutcome> EvaluateMode(RuleContext c) => PerDeployment(c, failWithoutPolicy: false, judge: r =>
        {
            var modeNode = Member(r.Properties, "mode");
            AccountFacts.ThrowIfExpression(modeNode, $"raiPolicies/{r.PolicyName} properties.mode");
            var mode = Json.Str(modeNode);
            if (string.IsNullOrEmpty(mode)) mode = "Default";
            const string Expected = "mode=Default or Blocking";
            return ContentFilterPolicies.IsAsynchronous(mode)
                ? RuleOutcome.Fail(r.Say($"{r.Who} filters asynchronously (mode {mode}): content is returned before it is checked."),
                    $"mode={mode}", Expected, r.Deployment)
                : RuleOutcome.Pass(r.Say($"{r.Who} filters synchronously (mode {mode})."), $"mode={mode}", Expected, r.Deployment);
        });

        /// <summary>AOAI-CSF-005: every harm filter at Low (a missing entry counts as not Low).</summary>
        public static IEnumerable<RuleOutcome> EvaluateThresholds(RuleContext c) => PerDeployment(c, failWithoutPolicy: false, judge: r =>
        {
            ThrowIfFilterExpressions(r, ContentFilterPolicies.HarmCategories);
            var loose = ContentFilterPolicies.NonLowThresholds(r.Properties);
            const string Expected = "severityThreshold=Low on Hate, Sexual, Violence, Selfharm for Prompt and Completion";
            return loose.Count == 0
                ? RuleOutcome.Pass(r.Say($"{r.Who} blocks harmful content from severity Low."), "all harm filters at Low", Expected, r.Deployment)
                : RuleOutcome.Fail(r.Say($"{r.Who} lets lower-severity harmful content through: {string.Join(", ", loose)}."),
                    string.Join(", ", loose), Expected, r.Deployment);
        });

        // ------------------------------------------------------------------ per deployment

        private static IEnumerable<RuleOutcome> PerDeployment(RuleContext c, bool failWithoutPolicy, Func<Resolved, RuleOutcome> judge)
        {
            var deployments = c.Related(DeploymentsType);
            if (deployments == null)
                return new[] { RuleOutcome.NotEvaluated($"The input holds no deployments ({DeploymentsType}): export them with the account, or evaluate live.") };
            if (deployments.Count == 0)
                return new[] { RuleOutcome.NotApplicable("The account has no deployments.") };

            var outcomes = new List<RuleOutcome>(deployments.Count);
            foreach (var deployment in deployments)
            {
                var name = ResourceIds.LastSegment(deployment.Name.Length > 0 ? deployment.Name : deployment.Id);
                string? policyName = null;
                RuleOutcome outcome;
                try
                {
                    outcome = Judge(c, deployment, name, failWithoutPolicy, judge, out policyName);
                }
                catch (NotEvaluatedException ex)
                {
                    // A template expression decides this deployment's outcome only; the others are still judged.
                    outcome = RuleOutcome.NotEvaluated($"Deployment '{name}': {ex.Message}", name);
                }
                var evidence = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["DeploymentName"] = name };
                if (policyName != null) evidence["PolicyName"] = policyName;
                outcomes.Add(outcome.WithEvidence(evidence));
            }
            return outcomes;
        }

        private static RuleOutcome Judge(RuleContext c, InputResource deployment, string name, bool failWithoutPolicy, Func<Resolved, RuleOutcome> judge, out string? policyName)
        {
            policyName = null;
            var properties = new AccountFacts(deployment.Json).Node("properties") as JsonObject;
            var nameNode = Member(properties, "raiPolicyName");
            if (AccountFacts.IsExpression(nameNode))
            {
                // Bicep's `raiPolicyName: policy.name` compiles to the same expression as the policy's own name segment.
                policyName = Json.Str(nameNode)!;
                var same = PolicyNamed(c, policyName);
                if (same == null) throw new NotEvaluatedException("properties.raiPolicyName", policyName);
                return judge(new Resolved(name, policyName, PolicyProperties(same), null));
            }

            var given = Json.StringOnly(nameNode);
            if (string.IsNullOrEmpty(given))
            {
                if (failWithoutPolicy)
                    return RuleOutcome.Fail($"Deployment '{name}' names no content filter (raiPolicyName is empty).", "raiPolicyName=(none)", HarmExpected, name);
                return judge(new Resolved(name, null, ContentFilterPolicies.DocumentedDefault(),
                    $"The deployment names no content filter: the service applies its default, and {DefaultAssumed}."));
            }

            policyName = given;
            var policy = PolicyNamed(c, given!);
            if (policy != null) return judge(new Resolved(name, given, PolicyProperties(policy), null));
            if (IsSystemPolicy(given!))
                return judge(new Resolved(name, given, ContentFilterPolicies.DocumentedDefault(), $"The system policy '{given}' could not be read: {DefaultAssumed}."));
            return RuleOutcome.NotEvaluated(c.Related(PoliciesType) == null
                ? $"Deployment '{name}' uses content filter '{given}', but the input holds no RAI policies ({PoliciesType}): export them with the account, or evaluate live."
                : $"Deployment '{name}' uses content filter '{given}', which is not among the account's RAI policies (not in the input, or no longer on the account).", name);
        }

        /// <summary>The account's policy of that name (case-insensitive), or null; the policies are only read when a deployment names one.</summary>
        private static InputResource? PolicyNamed(RuleContext c, string name) =>
            c.Related(PoliciesType)?.FirstOrDefault(p => Json.EqualsIgnoreCase(ResourceIds.LastSegment(p.Name.Length > 0 ? p.Name : p.Id), name));

        /// <summary>Microsoft.Default, Microsoft.DefaultV2 and any later system policy the service names Microsoft.*.</summary>
        public static bool IsSystemPolicy(string name) => name.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// The policy's properties with the member names the checks read spelled as ARM does (rules.md: names compare
        /// case-insensitively; a hand-written "Severitythreshold" means the same). A copy: the input is not changed.
        /// </summary>
        private static JsonObject PolicyProperties(InputResource policy)
        {
            var properties = new AccountFacts(policy.Json).Node("properties") as JsonObject;
            if (properties == null) return new JsonObject();
            var copy = Canonical((JsonObject)properties.DeepClone(), "mode", "contentFilters");
            if (copy["contentFilters"] is JsonArray filters)
                foreach (var entry in filters.OfType<JsonObject>()) Canonical(entry, "name", "source", "enabled", "blocking", "severityThreshold");
            return copy;
        }

        private static JsonObject Canonical(JsonObject obj, params string[] names)
        {
            foreach (var name in names)
            {
                var key = obj.Select(p => p.Key).FirstOrDefault(k => k != name && Json.EqualsIgnoreCase(k, name));
                if (key == null || obj.ContainsKey(name)) continue;
                var value = obj[key];
                obj.Remove(key);
                obj[name] = value;
            }
            return obj;
        }

        /// <summary>
        /// The checks read filter entries as plain values: an expression anywhere they look (the list, an entry's name or
        /// source, or a named filter's enabled, blocking or severityThreshold) makes the outcome NotEvaluated instead.
        /// </summary>
        private static void ThrowIfFilterExpressions(Resolved r, IReadOnlyCollection<string> filters)
        {
            var at = $"raiPolicies/{r.PolicyName} properties.contentFilters";
            var list = Member(r.Properties, "contentFilters");
            AccountFacts.ThrowIfExpression(list, at);
            foreach (var entry in Json.Objects(list))
            {
                var nameNode = Member(entry, "name");
                AccountFacts.ThrowIfExpression(nameNode, at + "[].name");
                AccountFacts.ThrowIfExpression(Member(entry, "source"), at + "[].source");
                var filter = Json.Str(nameNode);
                if (!filters.Any(f => Json.EqualsIgnoreCase(f, filter))) continue;
                foreach (var field in new[] { "enabled", "blocking", "severityThreshold" })
                    AccountFacts.ThrowIfExpression(Member(entry, field), $"{at}[{filter}].{field}");
            }
        }

        private static string DescribeShield(JsonObject? properties, string shield)
        {
            var entry = ContentFilterPolicies.Find(properties, shield, ContentFilterPolicies.Prompt);
            if (entry == null) return $"{shield}/{ContentFilterPolicies.Prompt} missing";
            return $"{shield}/{ContentFilterPolicies.Prompt}: enabled={Lower(Json.Bool(entry["enabled"]))}, blocking={Lower(Json.Bool(entry["blocking"]))}";
        }

        private static string Lower(bool? value) => value == null ? "(none)" : value.Value ? "true" : "false";

        /// <summary>A member by name, case-insensitively (ARM property names), without judging its value.</summary>
        private static JsonNode? Member(JsonObject? obj, string name)
        {
            if (obj == null) return null;
            if (obj.TryGetPropertyValue(name, out var exact)) return exact;
            return obj.FirstOrDefault(p => Json.EqualsIgnoreCase(p.Key, name)).Value;
        }

        // ------------------------------------------------------------------ live readers

        /// <summary>Live: the account's deployments (one paged list per account).</summary>
        public static IReadOnlyList<InputResource> ReadDeployments(ContentSafetyService service, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "deployments", DeploymentsType, id => service.ListDeployments(id, call));

        /// <summary>
        /// Live: the account's RAI policies, system policies included (one paged list per account). The rules ask for them
        /// only when a deployment names a policy, so an account without deployments costs one request.
        /// </summary>
        public static IReadOnlyList<InputResource> ReadPolicies(ContentSafetyService service, AoaiAccount account, ArmCallOptions call) =>
            Read(account, "content filter (RAI) policies", PoliciesType, id => service.ListPolicies(id, call));

        private static IReadOnlyList<InputResource> Read(AoaiAccount account, string what, string type, Func<AccountId, IEnumerable<JsonObject>> list)
        {
            try
            {
                // ARM names children "acct/child" or "child" depending on the provider's version: keep the last segment.
                return list(AccountId.Parse(account.Id))
                    .Select(json => new InputResource(Json.Str(json["id"]) ?? string.Empty, type, ResourceIds.LastSegment(Json.Str(json["name"]) ?? Json.Str(json["id"]) ?? string.Empty), json, null))
                    .ToList();
            }
            catch (ArmRequestException ex)
            {
                throw new RelatedReadException($"reading the {what} of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }
        }
    }
}
