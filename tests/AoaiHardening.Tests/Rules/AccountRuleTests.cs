using System.Linq;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>The account-only rules of rules.md: Pass, Fail, NotApplicable and NotEvaluated exactly as specified.</summary>
    public class AccountRuleTests
    {
        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)] // absent: Enabled + Allow
        [InlineData("{\"publicNetworkAccess\":\"Disabled\"}", AoaiFindingStatus.Pass)]
        [InlineData("{\"publicNetworkAccess\":\"disabled\"}", AoaiFindingStatus.Pass)]
        [InlineData("{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Deny\"}}", AoaiFindingStatus.Pass)]
        [InlineData("{\"PublicNetworkAccess\":\"Enabled\",\"NetworkAcls\":{\"DefaultAction\":\"deny\"}}", AoaiFindingStatus.Pass)]
        [InlineData("{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Allow\"}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"networkAcls\":{}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"publicNetworkAccess\":\"[parameters('pna')]\"}", AoaiFindingStatus.NotEvaluated)]
        [InlineData("{\"publicNetworkAccess\":\"Disabled\",\"networkAcls\":{\"defaultAction\":\"[parameters('x')]\"}}", AoaiFindingStatus.Pass)]
        [InlineData("{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":\"[variables('acls')]\"}", AoaiFindingStatus.NotEvaluated)]
        public void Net001_public_access_is_restricted(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-001").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"publicNetworkAccess\":\"Enabled\",\"networkAcls\":{\"defaultAction\":\"Deny\"}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"publicNetworkAccess\":\"DISABLED\"}", AoaiFindingStatus.Pass)]
        [InlineData("\"[variables('props')]\"", AoaiFindingStatus.NotEvaluated)]
        public void Net002_public_access_is_disabled(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-002").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"privateEndpointConnections\":[]}", AoaiFindingStatus.Fail)]
        [InlineData("{\"privateEndpointConnections\":[{\"name\":\"p1\",\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Pending\"}}}]}", AoaiFindingStatus.Fail)]
        [InlineData("{\"privateEndpointConnections\":[{\"name\":\"p1\",\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"Rejected\"}}},{\"name\":\"p2\",\"properties\":{\"privateLinkServiceConnectionState\":{\"status\":\"approved\"}}}]}", AoaiFindingStatus.Pass)]
        public void Net003_an_approved_private_endpoint_exists(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-003").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Pass)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"203.0.113.0/24\"},{\"value\":\"198.51.100.7\"}]}}", AoaiFindingStatus.Pass)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"10.0.0.0/16\"}]}}", AoaiFindingStatus.Pass)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"10.0.0.0/15\"}]}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"0.0.0.0\"}]}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"0.0.0.0/0\"}]}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"networkAcls\":{\"ipRules\":[{\"value\":\"1.2.3.4\"},{\"value\":\"[parameters('ip')]\"}]}}", AoaiFindingStatus.NotEvaluated)]
        public void Net004_no_internet_wide_ip_rules(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-004").Status);

        [Fact]
        public void Net004_names_the_broad_rules_and_builds_the_fix()
        {
            var finding = One(Account("{\"networkAcls\":{\"ipRules\":[{\"value\":\"0.0.0.0/0\"},{\"value\":\"1.2.3.4\"},{\"value\":\"10.0.0.0/8\"}]}}"), "AOAI-NET-004");
            Assert.Equal("0.0.0.0/0, 10.0.0.0/8", finding.Actual);
            Assert.Equal("Set-AoaiNetworkRule", finding.RemediationCommand);
            Assert.Equal($"Set-AoaiNetworkRule -ResourceId '{AccountId}' -RemoveIpRule '0.0.0.0/0', '10.0.0.0/8'", finding.Remediation);
            // What Repair-AoaiHardening passes: exactly the broad values, one per element.
            var (parameters, missing) = RuleCatalog.Find("AOAI-NET-004")!.Fix!.Bind(finding, RepairInputs.None);
            Assert.Empty(missing);
            Assert.Equal(new[] { "0.0.0.0/0", "10.0.0.0/8" }, (string[])parameters["RemoveIpRule"]);
        }

        [Fact]
        public void Net004_flags_0_0_0_0_however_it_is_written_and_only_internet_wide_values()
        {
            var finding = One(Account("{\"networkAcls\":{\"ipRules\":[{\"value\":\"0.0.0.0/32\"},{\"value\":\"203.0.113.0/24\"},{\"value\":\"2001:db8::/8\"},{\"value\":\"52.0.0.0/15\"}]}}"), "AOAI-NET-004");
            Assert.Equal(AoaiFindingStatus.Fail, finding.Status);
            Assert.Equal("0.0.0.0/32, 52.0.0.0/15", finding.Actual);
        }

        [Fact]
        public void Net006_fix_takes_the_hosts_from_repair()
        {
            var finding = One(Account(), "AOAI-NET-006");
            var fix = RuleCatalog.Find("AOAI-NET-006")!.Fix!;
            Assert.Equal(new[] { "-AllowedFqdn" }, fix.Bind(finding, RepairInputs.None).Missing);
            var (parameters, missing) = fix.Bind(finding, new RepairInputs { AllowedFqdn = new[] { "a.contoso.com", "b.contoso.com" } });
            Assert.Empty(missing);
            Assert.Equal(new[] { "a.contoso.com", "b.contoso.com" }, (string[])parameters["AllowedFqdn"]);
            Assert.Equal($"Set-AoaiOutboundAccess -ResourceId '{AccountId}' -AllowedFqdn '<fqdn>'", finding.Remediation);
        }

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"customSubDomainName\":\"\"}", AoaiFindingStatus.Fail)]
        [InlineData("{\"customSubDomainName\":\"contoso\"}", AoaiFindingStatus.Pass)]
        [InlineData("{\"customSubDomainName\":\"[parameters('name')]\"}", AoaiFindingStatus.NotEvaluated)]
        [InlineData("{\"customSubDomainName\":\"[[literal]\"}", AoaiFindingStatus.Pass)]
        public void Net005_custom_subdomain_is_set(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-005").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"restrictOutboundNetworkAccess\":false}", AoaiFindingStatus.Fail)]
        [InlineData("{\"restrictOutboundNetworkAccess\":true}", AoaiFindingStatus.Pass)]
        [InlineData("{\"restrictOutboundNetworkAccess\":\"true\"}", AoaiFindingStatus.Pass)]
        public void Net006_outbound_access_is_restricted(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-NET-006").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"disableLocalAuth\":false}", AoaiFindingStatus.Fail)]
        [InlineData("{\"disableLocalAuth\":true}", AoaiFindingStatus.Pass)]
        [InlineData("{\"DisableLocalAuth\":\"True\"}", AoaiFindingStatus.Pass)]
        [InlineData("{\"disableLocalAuth\":\"[parameters('local')]\"}", AoaiFindingStatus.NotEvaluated)]
        public void Iam001_key_auth_is_disabled(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-IAM-001").Status);

        [Fact]
        public void Iam001_failure_carries_a_ready_to_run_fix()
        {
            var finding = One(Account(), "AOAI-IAM-001");
            Assert.Equal($"Disable-AoaiLocalAuth -ResourceId '{AccountId}'", finding.Remediation);
            Assert.Equal("Disable-AoaiLocalAuth", finding.RemediationCommand);
            Assert.Equal(AoaiSeverity.High, finding.Severity);
            Assert.Contains("MCSB IM-1", finding.Controls);
            Assert.Equal("rg-t", finding.ResourceGroupName);
            Assert.Equal("00000000-1111-2222-3333-444444444444", finding.SubscriptionId);
        }

        [Theory]
        [InlineData(null, AoaiFindingStatus.Fail)]
        [InlineData("\"identity\":{\"type\":\"None\"}", AoaiFindingStatus.Fail)]
        [InlineData("\"identity\":{\"type\":\"none\"}", AoaiFindingStatus.Fail)]
        [InlineData("\"identity\":{\"type\":\"SystemAssigned\"}", AoaiFindingStatus.Pass)]
        [InlineData("\"identity\":{\"type\":\"SystemAssigned, UserAssigned\"}", AoaiFindingStatus.Pass)]
        [InlineData("\"Identity\":{\"Type\":\"UserAssigned\"}", AoaiFindingStatus.Pass)]
        [InlineData("\"identity\":{\"type\":\"[parameters('identity')]\"}", AoaiFindingStatus.NotEvaluated)]
        public void Iam002_a_managed_identity_is_enabled(string? identity, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(extra: identity), "AOAI-IAM-002").Status);

        [Theory]
        [InlineData("{}", AoaiFindingStatus.Fail)]
        [InlineData("{\"encryption\":{\"keySource\":\"Microsoft.CognitiveServices\"}}", AoaiFindingStatus.Fail)]
        [InlineData("{\"encryption\":{\"keySource\":\"microsoft.keyvault\"}}", AoaiFindingStatus.Pass)]
        public void Enc001_customer_managed_key(string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties), "AOAI-ENC-001").Status);

        [Fact]
        public void Enc001_is_low_by_default_and_medium_under_strict()
        {
            Assert.Equal(AoaiSeverity.Low, One(Account(), "AOAI-ENC-001", Baseline.Default).Severity);
            Assert.Equal(AoaiSeverity.Medium, One(Account(), "AOAI-ENC-001", Baseline.Strict).Severity);
        }

        [Theory]
        [InlineData("OpenAI", "{}", AoaiFindingStatus.NotApplicable)]
        [InlineData("OpenAI", "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"keyName\":\"k\"}}}", AoaiFindingStatus.Pass)]
        [InlineData("OpenAI", "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"c1\"}}}", AoaiFindingStatus.Fail)]
        [InlineData("openai", "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"c1\"}}}", AoaiFindingStatus.Fail)]
        [InlineData("AIServices", "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"c1\"}}}", AoaiFindingStatus.NotApplicable)]
        [InlineData("OpenAI", "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"identityClientId\":\"[parameters('uami')]\"}}}", AoaiFindingStatus.NotEvaluated)]
        public void Enc005_cmk_identity_supported_for_kind(string kind, string properties, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(properties, kind), "AOAI-ENC-005").Status);

        [Fact]
        public void Other_kinds_are_out_of_scope_unless_IncludeAllKinds_and_then_only_account_level_rules()
        {
            var language = Account("{}", kind: "TextAnalytics");
            Assert.Empty(Evaluate(language, "AOAI-IAM-001"));
            Assert.Equal(AoaiFindingStatus.Fail, Evaluate(language, "AOAI-IAM-001", includeAllKinds: true).Single().Status);
            Assert.Empty(Evaluate(language, "AOAI-ENC-005", includeAllKinds: true));
        }

        [Fact]
        public void A_template_expression_for_kind_keeps_the_account_in_scope()
        {
            Assert.Equal(AoaiFindingStatus.Fail, One(Account("{}", kind: "[parameters('kind')]"), "AOAI-IAM-001").Status);
        }

        [Fact]
        public void Rules_whose_related_resources_are_not_in_the_input_say_what_is_missing()
        {
            var finding = One(Account(), "AOAI-MON-001");
            Assert.Equal(AoaiFindingStatus.NotEvaluated, finding.Status);
            Assert.Contains("diagnosticSettings", finding.Message);
            var strict = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict });
            Assert.Contains(strict.Selected, r => r.Id == "AOAI-MON-001");
            // Every rule has its condition; the On Your Data rules have theirs in Test-AoaiOnYourDataSecurity.
            Assert.All(RuleCatalog.All, r => Assert.True(r.Evaluate != null || r.EvaluatedBy != null, r.Id));
        }

        [Fact]
        public void Template_private_endpoint_rule_uses_related_endpoints()
        {
            var templateId = "/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.CognitiveServices/accounts/acct";
            var account = Account("{}", id: templateId);
            Assert.Equal(AoaiFindingStatus.NotEvaluated, One(account, "AOAI-NET-003").Status);
            var pe = new InputResource("/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/privateEndpoints/pe1",
                "Microsoft.Network/privateEndpoints", "pe1", new System.Text.Json.Nodes.JsonObject(), null);
            Assert.Equal(AoaiFindingStatus.Pass, One(account, "AOAI-NET-003", related: new[] { pe }).Status);
            Assert.Null(One(account, "AOAI-IAM-001").Remediation); // no command line for a template: the fix is in the template
        }
    }
}
