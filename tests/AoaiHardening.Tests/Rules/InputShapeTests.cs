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
    /// <summary>
    /// Every implemented rule gives the same status whether the account arrives as ARM REST JSON, as Get-AzResource
    /// output or as an ARM template (templates differ only where they cannot know: private endpoint connections).
    /// </summary>
    public sealed class InputShapeTests : IDisposable
    {
        private const string Group = "/subscriptions/00000000-0000-0000-0000-000000000009/resourceGroups/rg-shapes";
        private readonly InputFiles _files = new InputFiles();

        public void Dispose() => _files.Dispose();

        /// <summary>Accounts chosen so that each implemented rule passes on one and fails (or is not applicable) on another.</summary>
        private static readonly (string Name, string Kind, string Identity, string Properties)[] Accounts =
        {
            ("hardened", "OpenAI", "{\"type\":\"SystemAssigned\"}",
                "{\"customSubDomainName\":\"hardened\",\"publicNetworkAccess\":\"Disabled\",\"disableLocalAuth\":true,\"restrictOutboundNetworkAccess\":true," +
                "\"networkAcls\":{\"defaultAction\":\"Deny\",\"ipRules\":[{\"value\":\"203.0.113.0/24\"}]}," +
                "\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"keyName\":\"k\",\"keyVaultUri\":\"https://kv.vault.azure.net/\"}}," +
                "\"privateEndpointConnections\":[{\"name\":\"pe\",\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Approved\"}}}]}"),
            ("exposed", "AIServices", "{\"type\":\"None\"}",
                "{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Allow\",\"ipRules\":[{\"value\":\"0.0.0.0/0\"}]}}"),
            ("cmk-uami", "OpenAI", "{\"type\":\"UserAssigned\"}",
                "{\"customSubDomainName\":\"cmk-uami\",\"disableLocalAuth\":false,\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"c1\"}}}"),
        };

        private static string Rest() => "[" + string.Join(",", Accounts.Select(a =>
            $"{{\"id\":\"{Group}/providers/Microsoft.CognitiveServices/accounts/{a.Name}\",\"name\":\"{a.Name}\",\"type\":\"Microsoft.CognitiveServices/accounts\"," +
            $"\"kind\":\"{a.Kind}\",\"location\":\"eastus\",\"identity\":{a.Identity},\"properties\":{a.Properties}}}")) + "]";

        private static string GetAzResource() => "[" + string.Join(",", Accounts.Select(a =>
            $"{{\"ResourceId\":\"{Group}/providers/Microsoft.CognitiveServices/accounts/{a.Name}\",\"Name\":\"{a.Name}\",\"ResourceName\":\"{a.Name}\"," +
            $"\"ResourceGroupName\":\"rg-shapes\",\"ResourceType\":\"Microsoft.CognitiveServices/accounts\",\"Kind\":\"{a.Kind}\",\"Location\":\"eastus\"," +
            $"\"Identity\":{a.Identity.Replace("\"type\"", "\"Type\"")},\"Properties\":{a.Properties}}}")) + "]";

        private static string Template() =>
            "{\"$schema\":\"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\"contentVersion\":\"1.0.0.0\",\"resources\":[" +
            string.Join(",", Accounts.Select(a =>
                $"{{\"type\":\"Microsoft.CognitiveServices/accounts\",\"apiVersion\":\"2025-09-01\",\"name\":\"{a.Name}\",\"kind\":\"{a.Kind}\",\"location\":\"eastus\"," +
                $"\"sku\":{{\"name\":\"S0\"}},\"identity\":{a.Identity},\"properties\":{a.Properties}}}")) + "]}";

        private Dictionary<string, AoaiFindingStatus> Evaluate(string fileName, string json)
        {
            var path = _files.Write(fileName, json);
            var resources = OfflineInputReader.Read(new[] { path }).ToList();
            var types = new HashSet<string>(resources.Select(r => r.Type), StringComparer.OrdinalIgnoreCase);
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict });
            return InputJoiner.Join(resources)
                .SelectMany(a => engine.Evaluate(a, types))
                .ToDictionary(f => $"{f.ResourceName} {f.RuleId}", f => f.Status);
        }

        [Fact]
        public void Rest_GetAzResource_and_template_input_agree_rule_by_rule()
        {
            var rest = Evaluate("rest.json", Rest());
            var az = Evaluate("azresource.json", GetAzResource());
            var template = Evaluate("template.json", Template());

            var implemented = RuleCatalog.All.Where(r => r.Evaluate != null).Select(r => r.Id).ToList();
            Assert.Equal(implemented.Count * Accounts.Length, rest.Count);
            Assert.Equal(rest, az);
            foreach (var pair in rest)
            {
                var expected = pair.Key.EndsWith("AOAI-NET-003", StringComparison.Ordinal) ? AoaiFindingStatus.NotEvaluated : pair.Value;
                Assert.True(template[pair.Key] == expected, $"{pair.Key}: template {template[pair.Key]}, REST {pair.Value}");
            }

            // Each implemented rule is seen both passing and failing (or not applicable) across the accounts.
            foreach (var id in implemented)
            {
                var statuses = rest.Where(p => p.Key.EndsWith(id, StringComparison.Ordinal)).Select(p => p.Value).Distinct().ToList();
                Assert.Contains(AoaiFindingStatus.Pass, statuses);
                Assert.True(statuses.Contains(AoaiFindingStatus.Fail) || statuses.Contains(AoaiFindingStatus.NotApplicable), $"{id}: {string.Join(",", statuses)}");
            }
            Assert.Equal(AoaiFindingStatus.NotApplicable, rest["exposed AOAI-ENC-005"]);
            Assert.Equal(AoaiFindingStatus.Fail, rest["cmk-uami AOAI-ENC-005"]);
        }
    }
}
