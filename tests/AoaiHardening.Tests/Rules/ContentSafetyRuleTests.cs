using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-CSF-001..005: one outcome per deployment, judged on the policy it names (offline, and live through related readers).</summary>
    public sealed class ContentSafetyRuleTests
    {
        private const string Csf001 = "AOAI-CSF-001";
        private const string Csf002 = "AOAI-CSF-002";
        private const string Csf003 = "AOAI-CSF-003";
        private const string Csf004 = "AOAI-CSF-004";
        private const string Csf005 = "AOAI-CSF-005";
        private static readonly string[] AllCsf = { Csf001, Csf002, Csf003, Csf004, Csf005 };

        // ------------------------------------------------------------------ builders

        private static InputResource Deployment(string name, string? policy, string account = AccountId)
        {
            var properties = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = "gpt-4o" } };
            if (policy != null) properties["raiPolicyName"] = policy;
            var id = $"{account}/deployments/{name}";
            return new InputResource(id, ContentSafetyRules.DeploymentsType, name,
                new JsonObject { ["id"] = id, ["name"] = name, ["type"] = ContentSafetyRules.DeploymentsType, ["properties"] = properties }, null);
        }

        private static InputResource Policy(string name, JsonObject properties, string account = AccountId)
        {
            var id = $"{account}/raiPolicies/{name}";
            return new InputResource(id, ContentSafetyRules.PoliciesType, name,
                new JsonObject { ["id"] = id, ["name"] = name, ["type"] = ContentSafetyRules.PoliciesType, ["properties"] = properties.DeepClone() }, null);
        }

        private static JsonObject Strict() => ContentFilterPolicies.Preset("Strict");
        private static JsonObject Default() => ContentFilterPolicies.Preset("Default");

        /// <summary>The entry for a filter and source in a policy's properties (it must exist).</summary>
        private static JsonObject Entry(JsonObject properties, string name, string source) => ContentFilterPolicies.Find(properties, name, source)!;

        private static JsonObject With(JsonObject properties, Action<JsonObject> change)
        {
            change(properties);
            return properties;
        }

        /// <summary>One deployment "d1" on policy "p" with the given properties: the single finding of the rule.</summary>
        private static AoaiFinding OnPolicy(string ruleId, JsonObject properties) =>
            One(Account(), ruleId, related: new[] { Deployment("d1", "p"), Policy("p", properties) });

        private static readonly ISet<string> BothTypes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ContentSafetyRules.DeploymentsType, ContentSafetyRules.PoliciesType };

        /// <summary>Evaluates with an explicit set of types in the input (a type can be present for other accounts only).</summary>
        private static List<AoaiFinding> Run(string ruleId, IReadOnlyList<InputResource> related, ISet<string> types, ISet<string>? commands = null)
        {
            var engine = new HardeningEngine(new EngineOptions
            {
                Baseline = Baseline.Strict,
                Rules = new[] { ruleId },
                AvailableCommands = commands ?? ModuleCommands,
            });
            return engine.Evaluate(new AccountInput(Account(), related), types).ToList();
        }

        // ------------------------------------------------------------------ AOAI-CSF-001

        [Theory]
        [InlineData("Hate", "Completion", "remove", "Hate/Completion missing")]
        [InlineData("Sexual", "Prompt", "disable", "Sexual/Prompt disabled")]
        [InlineData("Violence", "Completion", "annotate", "Violence/Completion not blocking")]
        [InlineData("Selfharm", "Prompt", "high", "Selfharm/Prompt at High")]
        public void Csf001_fails_on_each_broken_harm_filter(string category, string source, string change, string problem)
        {
            var properties = With(Default(), p =>
            {
                var entry = Entry(p, category, source);
                switch (change)
                {
                    case "remove": ((JsonArray)p["contentFilters"]!).Remove(entry); break;
                    case "disable": entry["enabled"] = false; break;
                    case "annotate": entry["blocking"] = false; break;
                    case "high": entry["severityThreshold"] = "High"; break;
                }
            });
            var finding = OnPolicy(Csf001, properties);
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal(problem, finding.Actual);
            Assert.Equal($"Deployment 'd1' (policy 'p') does not block every harm category: {problem}.", finding.Message);
            Assert.Equal("d1", finding.Target);
        }

        [Fact]
        public void Csf001_lists_every_problem_and_reads_names_and_values_case_insensitively()
        {
            var properties = JsonNode.Parse("""
                { "contentFilters": [
                    { "name": "hate", "source": "prompt", "enabled": true, "blocking": true, "severityThreshold": "medium" },
                    { "Name": "HATE", "Source": "Completion", "Enabled": "true", "Blocking": true, "SeverityThreshold": "low" },
                    { "name": "Sexual", "source": "Prompt", "enabled": true, "blocking": true, "severityThreshold": "high" } ] }
                """)!.AsObject();
            var finding = OnPolicy(Csf001, properties);
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal("Sexual/Prompt at High, Sexual/Completion missing, Violence/Prompt missing, Violence/Completion missing, Selfharm/Prompt missing, Selfharm/Completion missing", finding.Actual);
        }

        [Fact]
        public void Csf001_passes_at_Medium_and_Low_and_Csf005_fails_at_Medium()
        {
            var medium = OnPolicy(Csf001, Default());
            Assert.Equal(AoaiFindingStatus.Pass, medium.Status);
            Assert.Equal("Deployment 'd1' (policy 'p') blocks hate, sexual, violence and self-harm content on prompts and completions.", medium.Message);
            Assert.Equal("raiPolicyName=p", medium.Actual);
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf001, Strict()).Status);

            var loose = OnPolicy(Csf005, Default());
            Assert.Equal(AoaiFindingStatus.Fail, loose.Status);
            Assert.Equal("Hate/Prompt=Medium, Hate/Completion=Medium, Sexual/Prompt=Medium, Sexual/Completion=Medium, Violence/Prompt=Medium, Violence/Completion=Medium, Selfharm/Prompt=Medium, Selfharm/Completion=Medium", loose.Actual);
        }

        [Fact]
        public void Csf001_fails_a_deployment_that_names_no_content_filter()
        {
            foreach (var policy in new[] { null, string.Empty })
            {
                var finding = One(Account(), Csf001, related: new[] { Deployment("d1", policy) });
                Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
                Assert.Equal("Deployment 'd1' names no content filter (raiPolicyName is empty).", finding.Message);
                Assert.Equal("raiPolicyName=(none)", finding.Actual);
                Assert.Equal("d1", finding.Target);
            }
        }

        // ------------------------------------------------------------------ AOAI-CSF-002 / 003

        [Theory]
        [InlineData(true, true, AoaiFindingStatus.Pass, "Jailbreak/Prompt: enabled=true, blocking=true")]
        [InlineData(true, false, AoaiFindingStatus.Fail, "Jailbreak/Prompt: enabled=true, blocking=false")] // annotate only
        [InlineData(false, false, AoaiFindingStatus.Fail, "Jailbreak/Prompt: enabled=false, blocking=false")]
        [InlineData(false, true, AoaiFindingStatus.Fail, "Jailbreak/Prompt: enabled=false, blocking=true")]
        public void Csf002_needs_Jailbreak_enabled_and_blocking_on_prompts(bool enabled, bool blocking, AoaiFindingStatus expected, string actual)
        {
            var properties = With(Default(), p =>
            {
                Entry(p, "Jailbreak", "Prompt")["enabled"] = enabled;
                Entry(p, "Jailbreak", "Prompt")["blocking"] = blocking;
            });
            var finding = OnPolicy(Csf002, properties);
            Assert.Equal(expected, finding.Status);
            Assert.Equal(actual, finding.Actual);
            Assert.Equal(expected == AoaiFindingStatus.Pass
                ? "Deployment 'd1' (policy 'p'): the Jailbreak shield blocks."
                : "Deployment 'd1' (policy 'p'): the Jailbreak shield does not block.", finding.Message);
        }

        [Fact]
        public void Csf002_fails_when_Jailbreak_is_missing_or_only_on_completions()
        {
            var missing = With(Default(), p => ((JsonArray)p["contentFilters"]!).Remove(Entry(p, "Jailbreak", "Prompt")));
            var finding = OnPolicy(Csf002, missing);
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal("Jailbreak/Prompt missing", finding.Actual);

            var onCompletion = With(Default(), p => Entry(p, "Jailbreak", "Prompt")["source"] = "Completion");
            Assert.Equal(AoaiFindingStatus.Fail, OnPolicy(Csf002, onCompletion).Status);
        }

        [Fact]
        public void Csf003_needs_Indirect_Attack_enabled_and_blocking_on_prompts()
        {
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf003, Strict()).Status);
            var off = OnPolicy(Csf003, Default());
            Assert.Equal(AoaiFindingStatus.Fail, off.Status);
            Assert.Equal("Indirect Attack/Prompt missing", off.Actual);
            Assert.Equal("Deployment 'd1' (policy 'p'): the Indirect Attack shield does not block.", off.Message);

            var annotate = With(Strict(), p => Entry(p, "Indirect Attack", "Prompt")["blocking"] = false);
            Assert.Equal(AoaiFindingStatus.Fail, OnPolicy(Csf003, annotate).Status);
            // ARM's spelling, compared case-insensitively: "indirect attack" is the same filter; "IndirectAttack" (the catalogue's resource name) is not.
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf003, With(Strict(), p => Entry(p, "Indirect Attack", "Prompt")["name"] = "indirect attack")).Status);
            Assert.Equal(AoaiFindingStatus.Fail, OnPolicy(Csf003, With(Strict(), p => Entry(p, "Indirect Attack", "Prompt")["name"] = "IndirectAttack")).Status);
        }

        // ------------------------------------------------------------------ AOAI-CSF-004

        [Theory]
        [InlineData("Default", AoaiFindingStatus.Pass)]
        [InlineData("Blocking", AoaiFindingStatus.Pass)]
        [InlineData("Asynchronous_filter", AoaiFindingStatus.Fail)]
        [InlineData("Deferred", AoaiFindingStatus.Fail)]
        [InlineData("deferred", AoaiFindingStatus.Fail)]
        [InlineData(null, AoaiFindingStatus.Pass)] // absent: Default
        public void Csf004_fails_asynchronous_modes(string? mode, AoaiFindingStatus expected)
        {
            var properties = With(Strict(), p =>
            {
                if (mode == null) p.Remove("mode");
                else p["mode"] = mode;
            });
            var finding = OnPolicy(Csf004, properties);
            Assert.Equal(expected, finding.Status);
            Assert.Equal($"mode={mode ?? "Default"}", finding.Actual);
            if (expected == AoaiFindingStatus.Fail)
                Assert.Equal($"Deployment 'd1' (policy 'p') filters asynchronously (mode {mode}): content is returned before it is checked.", finding.Message);
        }

        // ------------------------------------------------------------------ AOAI-CSF-005

        [Fact]
        public void Csf005_needs_Low_on_all_eight_harm_filters()
        {
            var strict = OnPolicy(Csf005, Strict());
            Assert.Equal(AoaiFindingStatus.Pass, strict.Status);
            Assert.Equal("Deployment 'd1' (policy 'p') blocks harmful content from severity Low.", strict.Message);

            var one = OnPolicy(Csf005, With(Strict(), p => Entry(p, "Violence", "Completion")["severityThreshold"] = "Medium"));
            Assert.Equal(AoaiFindingStatus.Fail, one.Status);
            Assert.Equal("Violence/Completion=Medium", one.Actual);
            Assert.Equal("Deployment 'd1' (policy 'p') lets lower-severity harmful content through: Violence/Completion=Medium.", one.Message);

            var missing = OnPolicy(Csf005, With(Strict(), p => ((JsonArray)p["contentFilters"]!).Remove(Entry(p, "Selfharm", "Prompt"))));
            Assert.Equal("Selfharm/Prompt=(none)", missing.Actual);
        }

        // ------------------------------------------------------------------ presets

        [Fact]
        public void The_Strict_preset_passes_every_rule_and_the_Default_preset_fails_003_and_005()
        {
            foreach (var id in AllCsf) Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(id, Strict()).Status);
            Assert.Equal(new[] { AoaiFindingStatus.Pass, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail },
                AllCsf.Select(id => OnPolicy(id, Default()).Status));
        }

        // ------------------------------------------------------------------ policy resolution

        [Fact]
        public void A_deployment_without_a_policy_is_judged_on_the_documented_default_by_Csf002_to_005()
        {
            var statuses = AllCsf.Select(id => One(Account(), id, related: new[] { Deployment("d1", null) })).ToList();
            Assert.Equal(new[] { AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail },
                statuses.Select(f => f.Status));
            Assert.Equal("Deployment 'd1' (no content filter named): the Jailbreak shield blocks. The deployment names no content filter: the service applies its default, " +
                "and the documented default was assumed (harm filters at Medium, blocking; Jailbreak on prompts).", statuses[1].Message);
        }

        [Fact]
        public void A_system_policy_in_the_input_is_judged_as_read()
        {
            // The account's own Microsoft.DefaultV2 (as the raiPolicies list returns it) decides, not the documented default.
            var system = With(Default(), p =>
            {
                p["type"] = "SystemManaged";
                p["mode"] = "Deferred";
            });
            var related = new[] { Deployment("d1", "Microsoft.DefaultV2"), Policy("Microsoft.DefaultV2", system) };
            var finding = One(Account(), Csf004, related: related);
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.DoesNotContain("assumed", finding.Message);
            // Names compare case-insensitively.
            Assert.Equal(AoaiFindingStatus.Fail, One(Account(), Csf004, related: new[] { Deployment("d1", "microsoft.defaultv2"), Policy("Microsoft.DefaultV2", system) }).Status);
        }

        [Fact]
        public void A_system_policy_missing_from_the_input_is_assumed_to_be_the_documented_default()
        {
            // Policies in the input, but not this one; and no policies in the input at all: the same assumption.
            var withPolicies = AllCsf.Select(id => One(Account(), id, related: new[] { Deployment("d1", "Microsoft.DefaultV2"), Policy("other", Strict()) })).ToList();
            var without = AllCsf.Select(id => One(Account(), id, related: new[] { Deployment("d1", "Microsoft.DefaultV2") })).ToList();
            var expected = new[] { AoaiFindingStatus.Pass, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail };
            Assert.Equal(expected, withPolicies.Select(f => f.Status));
            Assert.Equal(expected, without.Select(f => f.Status));
            Assert.Equal("Deployment 'd1' (policy 'Microsoft.DefaultV2') blocks hate, sexual, violence and self-harm content on prompts and completions. " +
                "The system policy 'Microsoft.DefaultV2' could not be read: the documented default was assumed (harm filters at Medium, blocking; Jailbreak on prompts).", without[0].Message);
            Assert.Equal(AoaiFindingStatus.Pass, One(Account(), Csf001, related: new[] { Deployment("d1", "Microsoft.Default") }).Status);
        }

        [Fact]
        public void A_custom_policy_that_cannot_be_found_leaves_the_deployment_not_evaluated()
        {
            foreach (var id in AllCsf)
            {
                var missing = One(Account(), id, related: new[] { Deployment("d1", "corp"), Policy("other", Strict()) });
                Assert.Equal(AoaiFindingStatus.NotEvaluated, missing.Status);
                Assert.Equal("Deployment 'd1' uses content filter 'corp', which is not among the account's RAI policies (not in the input, or no longer on the account).", missing.Message);
                Assert.Equal("d1", missing.Target);

                var noPolicies = One(Account(), id, related: new[] { Deployment("d1", "corp") });
                Assert.Equal(AoaiFindingStatus.NotEvaluated, noPolicies.Status);
                Assert.Equal("Deployment 'd1' uses content filter 'corp', but the input holds no RAI policies (Microsoft.CognitiveServices/accounts/raiPolicies): export them with the account, or evaluate live.", noPolicies.Message);
            }
        }

        [Fact]
        public void A_policy_of_another_account_does_not_count()
        {
            var other = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers/Microsoft.CognitiveServices/accounts/other";
            var resources = new[]
            {
                Account(), Account(id: other), Deployment("d1", "p"), Policy("p", Strict(), other),
            };
            var joined = InputJoiner.Join(resources).First();
            var finding = Run(Csf001, joined.Related, BothTypes).Single();
            Assert.Equal(AoaiFindingStatus.NotEvaluated, finding.Status);
        }

        // ------------------------------------------------------------------ scope and shape of the outcomes

        [Fact]
        public void An_account_without_deployments_is_not_applicable()
        {
            foreach (var id in AllCsf)
            {
                var finding = Run(id, Array.Empty<InputResource>(), BothTypes).Single();
                Assert.Equal(AoaiFindingStatus.NotApplicable, finding.Status);
                Assert.Equal("The account has no deployments.", finding.Message);
                Assert.Null(finding.Target);
            }
        }

        [Fact]
        public void Without_deployments_in_the_input_the_rules_are_not_evaluated()
        {
            foreach (var id in AllCsf)
            {
                var finding = One(Account(), id, related: new[] { Policy("p", Strict()) });
                Assert.Equal(AoaiFindingStatus.NotEvaluated, finding.Status);
                Assert.Equal("The input holds no deployments (Microsoft.CognitiveServices/accounts/deployments): export them with the account, or evaluate live.", finding.Message);
            }
        }

        [Fact]
        public void Each_deployment_gets_its_own_outcome_target_and_evidence()
        {
            var related = new[]
            {
                Deployment("gpt-4o", "strict"), Deployment("gpt-35", "Microsoft.DefaultV2"), Deployment("embed", null),
                Policy("strict", Strict()),
            };
            var findings = Evaluate(Account(), Csf003, related: related);
            Assert.Equal(new[] { "gpt-4o", "gpt-35", "embed" }, findings.Select(f => f.Target));
            Assert.Equal(new[] { AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Fail }, findings.Select(f => f.Status));
            Assert.All(findings, f => Assert.Equal(AccountId, f.ResourceId));
            Assert.Equal("gpt-4o", findings[0].Evidence!["DeploymentName"]);
            Assert.Equal("strict", findings[0].Evidence!["PolicyName"]);
            Assert.Equal("Microsoft.DefaultV2", findings[1].Evidence!["PolicyName"]);
            Assert.Equal("embed", findings[2].Evidence!["DeploymentName"]);
            Assert.False(findings[2].Evidence!.ContainsKey("PolicyName")); // names none
        }

        [Fact]
        public void Csf_rules_apply_to_OpenAI_and_AIServices_only()
        {
            var related = new[] { Deployment("d1", null) };
            Assert.Empty(Evaluate(Account(kind: "TextAnalytics"), Csf001, related: related));
            Assert.Empty(Evaluate(Account(kind: "TextAnalytics"), Csf001, related: related, includeAllKinds: true));
            Assert.Single(Evaluate(Account(kind: "AIServices"), Csf001, related: related));
        }

        // ------------------------------------------------------------------ template expressions

        [Fact]
        public void A_policy_name_expression_is_not_evaluated_unless_a_policy_of_the_template_bears_it()
        {
            const string Expression = "[parameters('policyName')]";
            var alone = One(Account(), Csf001, related: new[] { Deployment("d1", Expression) });
            Assert.Equal(AoaiFindingStatus.NotEvaluated, alone.Status);
            Assert.Equal("Deployment 'd1': properties.raiPolicyName is the template expression [parameters('policyName')]; its value is only known at deployment.", alone.Message);
            Assert.Equal("d1", alone.Target);
            Assert.Equal(Expression, alone.Evidence!["PolicyName"]);

            // Bicep's raiPolicyName: policy.name compiles to the expression the policy's own name segment carries.
            var joined = One(Account(), Csf001, related: new[] { Deployment("d1", Expression), Policy(Expression, Strict()) });
            Assert.Equal(AoaiFindingStatus.Pass, joined.Status);
        }

        [Fact]
        public void An_expression_in_the_policy_makes_only_the_rules_that_read_it_not_evaluated()
        {
            var mode = With(Strict(), p => p["mode"] = "[parameters('mode')]");
            Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(Csf004, mode).Status);
            Assert.Equal("Deployment 'd1': raiPolicies/p properties.mode is the template expression [parameters('mode')]; its value is only known at deployment.", OnPolicy(Csf004, mode).Message);
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf001, mode).Status);

            var threshold = With(Strict(), p => Entry(p, "Hate", "Prompt")["severityThreshold"] = "[parameters('level')]");
            Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(Csf001, threshold).Status);
            Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(Csf005, threshold).Status);
            Assert.Equal("Deployment 'd1': raiPolicies/p properties.contentFilters[Hate].severityThreshold is the template expression [parameters('level')]; its value is only known at deployment.",
                OnPolicy(Csf005, threshold).Message);
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf002, threshold).Status);

            var blocking = With(Strict(), p => Entry(p, "Jailbreak", "Prompt")["blocking"] = "[parameters('block')]");
            Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(Csf002, blocking).Status);
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf003, blocking).Status);

            // An entry whose name is an expression could be any filter; a whole list that is one hides them all.
            var anyName = With(Strict(), p => ((JsonArray)p["contentFilters"]!).Add(new JsonObject { ["name"] = "[parameters('extra')]", ["source"] = "Prompt" }));
            Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(Csf003, anyName).Status);
            var list = With(Strict(), p => p["contentFilters"] = "[variables('filters')]");
            foreach (var id in new[] { Csf001, Csf002, Csf003, Csf005 }) Assert.Equal(AoaiFindingStatus.NotEvaluated, OnPolicy(id, list).Status);
            Assert.Equal(AoaiFindingStatus.Pass, OnPolicy(Csf004, list).Status);
        }

        [Fact]
        public void An_expression_on_one_deployment_leaves_the_others_judged()
        {
            var findings = Evaluate(Account(), Csf001, related: new[] { Deployment("a", "[variables('p')]"), Deployment("b", null), Deployment("c", "p"), Policy("p", Strict()) });
            Assert.Equal(new[] { AoaiFindingStatus.NotEvaluated, AoaiFindingStatus.Fail, AoaiFindingStatus.Pass }, findings.Select(f => f.Status));
            Assert.Equal(new[] { "a", "b", "c" }, findings.Select(f => f.Target));
        }

        // ------------------------------------------------------------------ fixes

        private static readonly ISet<string> WithContentSafety = new HashSet<string>(ModuleCommands.Concat(new[] { "Set-AoaiDeploymentContentFilter", "New-AoaiContentFilterPolicy" }), StringComparer.OrdinalIgnoreCase);

        private static AoaiFinding Failing(string ruleId, string deployment = "gpt-4o") =>
            Run(ruleId, new[] { Deployment(deployment, "p"), Policy("p", With(Default(), p =>
            {
                p["mode"] = "Deferred";
                Entry(p, "Hate", "Prompt")["severityThreshold"] = "High";
                Entry(p, "Jailbreak", "Prompt")["blocking"] = false;
            })) }, BothTypes, WithContentSafety).Single();

        [Theory]
        [InlineData(Csf001)]
        [InlineData(Csf002)]
        [InlineData(Csf003)]
        public void Csf001_to_003_attach_a_strict_policy_to_the_deployment(string ruleId)
        {
            var finding = Failing(ruleId);
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal("Set-AoaiDeploymentContentFilter", finding.RemediationCommand);
            Assert.Equal($"Set-AoaiDeploymentContentFilter -ResourceId '{AccountId}' -DeploymentName 'gpt-4o' -PolicyName '<content filter policy name>' -Preset 'Strict'", finding.Remediation);

            var fix = RuleCatalog.Find(ruleId)!.Fix!;
            Assert.Equal($"Set-AoaiDeploymentContentFilter -ResourceId '{AccountId}' -DeploymentName 'gpt-4o' -PolicyName 'strict-prod' -Preset 'Strict'",
                fix.Render(finding, new RepairInputs { ContentFilterPolicyName = "strict-prod" }));
            var (parameters, missing) = fix.Bind(finding, RepairInputs.None);
            Assert.Equal(new[] { "-ContentFilterPolicyName" }, missing);
            (parameters, missing) = fix.Bind(finding, new RepairInputs { ContentFilterPolicyName = "strict-prod" });
            Assert.Empty(missing);
            Assert.Equal(new Dictionary<string, object> { ["ResourceId"] = AccountId, ["DeploymentName"] = "gpt-4o", ["PolicyName"] = "strict-prod", ["Preset"] = "Strict" }, parameters);
        }

        [Theory]
        [InlineData(Csf004)]
        [InlineData(Csf005)]
        public void Csf004_and_005_create_a_strict_policy_for_the_deployment(string ruleId)
        {
            var finding = Failing(ruleId, "chat's");
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal("New-AoaiContentFilterPolicy", finding.RemediationCommand);
            Assert.Equal($"New-AoaiContentFilterPolicy -ResourceId '{AccountId}' -Name '<content filter policy name>' -Preset 'Strict' -DeploymentName 'chat''s'", finding.Remediation);

            var fix = RuleCatalog.Find(ruleId)!.Fix!;
            Assert.Equal($"New-AoaiContentFilterPolicy -ResourceId '{AccountId}' -Name 'strict-prod' -Preset 'Strict' -DeploymentName 'chat''s'",
                fix.Render(finding, new RepairInputs { ContentFilterPolicyName = "strict-prod" }));
            var (parameters, missing) = fix.Bind(finding, new RepairInputs { ContentFilterPolicyName = "strict-prod" });
            Assert.Empty(missing);
            Assert.Equal(new Dictionary<string, object> { ["ResourceId"] = AccountId, ["Name"] = "strict-prod", ["Preset"] = "Strict", ["DeploymentName"] = "chat's" }, parameters);
            Assert.Equal(new[] { "-ContentFilterPolicyName" }, fix.Bind(finding, RepairInputs.None).Missing);
        }

        [Fact]
        public void No_command_line_until_the_fixing_cmdlets_are_exported()
        {
            var finding = Run(Csf001, new[] { Deployment("d1", null) }, BothTypes).Single();
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Null(finding.Remediation);
            Assert.Equal("Set-AoaiDeploymentContentFilter", finding.RemediationCommand);
        }

        // ------------------------------------------------------------------ live reads

        private sealed class CountingReaders
        {
            public int Deployments;
            public int Policies;
            public IReadOnlyList<InputResource> DeploymentList = Array.Empty<InputResource>();
            public IReadOnlyList<InputResource> PolicyList = Array.Empty<InputResource>();
            public Exception? Failure;

            public IReadOnlyDictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>> Readers =>
                new Dictionary<string, Func<AoaiAccount, IReadOnlyList<InputResource>>>(StringComparer.OrdinalIgnoreCase)
                {
                    [ContentSafetyRules.DeploymentsType] = _ =>
                    {
                        Deployments++;
                        if (Failure != null) throw Failure;
                        return DeploymentList;
                    },
                    [ContentSafetyRules.PoliciesType] = _ =>
                    {
                        Policies++;
                        return PolicyList;
                    },
                };
        }

        private static List<AoaiFinding> Live(CountingReaders readers, Baseline? baseline = null)
        {
            var engine = new HardeningEngine(new EngineOptions { Baseline = baseline ?? Baseline.Strict, Rules = AllCsf });
            var account = AoaiAccount.FromJson(new JsonObject { ["id"] = AccountId, ["name"] = "acct", ["kind"] = "OpenAI" });
            return engine.Evaluate(Account(), new LiveRelatedSource(account, readers.Readers)).ToList();
        }

        [Fact]
        public void Live_an_account_without_deployments_costs_one_list()
        {
            var readers = new CountingReaders();
            var findings = Live(readers);
            Assert.Equal(5, findings.Count);
            Assert.All(findings, f => Assert.Equal(AoaiFindingStatus.NotApplicable, f.Status));
            Assert.Equal(1, readers.Deployments);
            Assert.Equal(0, readers.Policies);
        }

        [Fact]
        public void Live_deployments_and_policies_are_listed_once_for_all_rules()
        {
            var readers = new CountingReaders
            {
                DeploymentList = new[] { Deployment("gpt-4o", "strict"), Deployment("gpt-35", "Microsoft.Default"), Deployment("embed", "corp") },
                // As the live list returns them: the system policies too.
                PolicyList = new[] { Policy("strict", Strict()), Policy("Microsoft.Default", With(Default(), p => p["type"] = "SystemManaged")), Policy("Microsoft.DefaultV2", Default()) },
            };
            var findings = Live(readers);
            Assert.Equal(15, findings.Count);
            Assert.Equal(1, readers.Deployments);
            Assert.Equal(1, readers.Policies);
            Assert.All(findings.Where(f => f.Target == "gpt-4o"), f => Assert.Equal(AoaiFindingStatus.Pass, f.Status));
            Assert.All(findings.Where(f => f.Target == "gpt-35"), f => Assert.DoesNotContain("assumed", f.Message));
            // A deployment naming a policy the account does not have (the list came back without it).
            Assert.All(findings.Where(f => f.Target == "embed"), f => Assert.Equal(AoaiFindingStatus.NotEvaluated, f.Status));
        }

        [Fact]
        public void Live_nothing_is_listed_when_no_CSF_rule_is_selected()
        {
            var readers = new CountingReaders { DeploymentList = new[] { Deployment("d1", "p") } };
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict, ExcludeRules = new[] { "AOAI-CSF-*" } });
            var account = AoaiAccount.FromJson(new JsonObject { ["id"] = AccountId, ["name"] = "acct", ["kind"] = "OpenAI" });
            Assert.NotEmpty(engine.Evaluate(Account(), new LiveRelatedSource(account, readers.Readers)).ToList());
            Assert.Equal(0, readers.Deployments);
            Assert.Equal(0, readers.Policies);
        }

        [Fact]
        public void Live_policies_are_not_listed_when_no_deployment_names_one()
        {
            var readers = new CountingReaders { DeploymentList = new[] { Deployment("d1", null), Deployment("d2", "") } };
            var findings = Live(readers);
            Assert.Equal(10, findings.Count);
            Assert.Equal(0, readers.Policies);
        }

        [Fact]
        public void Live_a_failed_read_is_an_error_for_every_rule_and_is_not_repeated()
        {
            var readers = new CountingReaders { Failure = new RelatedReadException("reading the deployments of 'acct' failed (403 AuthorizationFailed): denied", new InvalidOperationException()) };
            var findings = Live(readers);
            Assert.Equal(5, findings.Count);
            Assert.All(findings, f => Assert.Equal(AoaiFindingStatus.Error, f.Status));
            Assert.Equal("AOAI-CSF-001 could not be evaluated: reading the deployments of 'acct' failed (403 AuthorizationFailed): denied", findings[0].Message);
            Assert.Equal(1, readers.Deployments);
        }

        [Fact]
        public void The_Default_baseline_reads_for_Csf001_002_and_004()
        {
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Default });
            Assert.Equal(new[] { Csf001, Csf002, Csf004 }, engine.Selected.Select(r => r.Id).Where(id => id.StartsWith("AOAI-CSF-", StringComparison.Ordinal)));
        }
    }
}
