using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Tests.Input;
using Xunit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>The CSF rules on files as people export or write them: official REST payloads and compiled Bicep.</summary>
    public sealed class ContentSafetyInputTests : IDisposable
    {
        private static readonly string[] AllCsf = { "AOAI-CSF-001", "AOAI-CSF-002", "AOAI-CSF-003", "AOAI-CSF-004", "AOAI-CSF-005" };
        private readonly InputFiles _files = new InputFiles();

        public void Dispose() => _files.Dispose();

        private List<AoaiFinding> EvaluateFolder()
        {
            var resources = OfflineInputReader.Read(new[] { _files.Root }).ToList();
            var types = new HashSet<string>(resources.Select(r => r.Type), StringComparer.OrdinalIgnoreCase);
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict, Rules = AllCsf });
            return InputJoiner.Join(resources).SelectMany(a => engine.Evaluate(a, types)).ToList();
        }

        [Fact]
        public void Official_deployment_and_policy_payloads_are_judged()
        {
            // Deployments_List and RaiPolicies_Get as the spec's examples return them (the policy's example lives in another subscription id).
            var deployments = JsonNode.Parse(InputFiles.ExampleBody("Microsoft.CognitiveServices/2025-09-01/ListDeployments.json"))!;
            deployments["value"]![0]!["properties"]!["raiPolicyName"] = "raiPolicyName";
            _files.Write("deployments.json", deployments.ToJsonString());
            _files.Write("policy.json", InputFiles.ExampleBody("Microsoft.CognitiveServices/2025-09-01/GetRaiPolicy.json")
                .Replace("00000000-0000-0000-0000-000000000000", "subscriptionId"));
            _files.Write("account.json", """
                { "id": "/subscriptions/subscriptionId/resourceGroups/resourceGroupName/providers/Microsoft.CognitiveServices/accounts/accountName",
                  "name": "accountName", "type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "properties": {} }
                """);

            var findings = EvaluateFolder();
            Assert.Equal(AllCsf, findings.Select(f => f.RuleId));
            Assert.All(findings, f => Assert.Equal("deploymentName", f.Target));
            Assert.Equal(new[] { AoaiFindingStatus.Fail, AoaiFindingStatus.Pass, AoaiFindingStatus.Fail, AoaiFindingStatus.Fail, AoaiFindingStatus.Fail }, findings.Select(f => f.Status));
            Assert.Equal("Hate/Prompt disabled, Sexual/Prompt at High, Selfharm/Prompt at High", findings[0].Actual);
            Assert.Equal("mode=Asynchronous_filter", findings[3].Actual);
            Assert.Equal("raiPolicyName", findings[0].Evidence!["PolicyName"]);
        }

        [Fact]
        public void Compiled_bicep_joins_a_deployment_to_the_policy_it_names_by_expression()
        {
            // Bicep: resource policy '.../raiPolicies' = { parent: account, name: policyName } and raiPolicyName: policy.name.
            _files.Write("main.json", """
                { "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                  "parameters": { "accountName": { "type": "string" }, "policyName": { "type": "string" }, "other": { "type": "string" } },
                  "resources": [
                    { "type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2025-09-01", "name": "[parameters('accountName')]", "kind": "OpenAI",
                      "location": "eastus", "sku": { "name": "S0" }, "properties": {} },
                    { "type": "Microsoft.CognitiveServices/accounts/raiPolicies", "apiVersion": "2025-09-01",
                      "name": "[format('{0}/{1}', parameters('accountName'), parameters('policyName'))]",
                      "dependsOn": [ "[resourceId('Microsoft.CognitiveServices/accounts', parameters('accountName'))]" ],
                      "properties": { "mode": "Blocking", "basePolicyName": "Microsoft.DefaultV2", "contentFilters": [
                        { "name": "Hate", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Prompt" },
                        { "name": "Hate", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Completion" },
                        { "name": "Sexual", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Prompt" },
                        { "name": "Sexual", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Completion" },
                        { "name": "Violence", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Prompt" },
                        { "name": "Violence", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Completion" },
                        { "name": "Selfharm", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Prompt" },
                        { "name": "Selfharm", "enabled": true, "blocking": true, "severityThreshold": "Low", "source": "Completion" },
                        { "name": "Jailbreak", "enabled": true, "blocking": true, "source": "Prompt" },
                        { "name": "Indirect Attack", "enabled": true, "blocking": true, "source": "Prompt" } ] } },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2025-09-01",
                      "name": "[format('{0}/{1}', parameters('accountName'), 'gpt-4o')]",
                      "dependsOn": [ "[resourceId('Microsoft.CognitiveServices/accounts/raiPolicies', parameters('accountName'), parameters('policyName'))]" ],
                      "sku": { "name": "GlobalStandard", "capacity": 10 },
                      "properties": { "model": { "format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20" }, "raiPolicyName": "[parameters('policyName')]" } },
                    { "type": "Microsoft.CognitiveServices/accounts/deployments", "apiVersion": "2025-09-01",
                      "name": "[format('{0}/{1}', parameters('accountName'), 'embed')]",
                      "properties": { "model": { "format": "OpenAI", "name": "text-embedding-3-large", "version": "1" }, "raiPolicyName": "[parameters('other')]" } } ] }
                """);

            var findings = EvaluateFolder();
            Assert.Equal(10, findings.Count);
            Assert.All(findings.Where(f => f.Target == "gpt-4o"), f => Assert.Equal(AoaiFindingStatus.Pass, f.Status));
            Assert.All(findings.Where(f => f.Target == "embed"), f =>
            {
                Assert.Equal(AoaiFindingStatus.NotEvaluated, f.Status);
                Assert.Equal("Deployment 'embed': properties.raiPolicyName is the template expression [parameters('other')]; its value is only known at deployment.", f.Message);
            });
            // Template findings name no deployed account: no command line, the fix belongs in the template.
            Assert.All(findings, f => Assert.Null(f.Remediation));
        }
    }
}
