using System;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-ENC-002..004 on offline input (vault and key joined to the account), and the requirement checks the cmdlets' preflight shares.</summary>
    public sealed class EncryptionRuleTests
    {
        private const string Group = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers";
        private const string Cmk = "{\"encryption\":{\"keySource\":\"Microsoft.KeyVault\",\"keyVaultProperties\":{\"keyVaultUri\":\"https://kv-t.vault.azure.net/\",\"keyName\":\"cmk\",\"keyVersion\":\"0123456789abcdef0123456789abcdef\"}}}";
        private const string Identity = "\"identity\":{\"type\":\"SystemAssigned\",\"principalId\":\"11111111-0000-4000-8000-000000000001\",\"tenantId\":\"22222222-0000-4000-8000-000000000002\"}";

        private static InputResource Vault(string properties, string location = "eastus", string name = "kv-t") =>
            new InputResource($"{Group}/Microsoft.KeyVault/vaults/{name}", "Microsoft.KeyVault/vaults", name,
                JsonNode.Parse($"{{\"id\":\"{Group}/Microsoft.KeyVault/vaults/{name}\",\"name\":\"{name}\",\"location\":\"{location}\",\"properties\":{properties}}}")!.AsObject(), null);

        private static InputResource Key(string properties, string vault = "kv-t", string name = "cmk") =>
            new InputResource($"{Group}/Microsoft.KeyVault/vaults/{vault}/keys/{name}", "Microsoft.KeyVault/vaults/keys", name,
                JsonNode.Parse($"{{\"id\":\"{Group}/Microsoft.KeyVault/vaults/{vault}/keys/{name}\",\"name\":\"{name}\",\"properties\":{properties}}}")!.AsObject(), null);

        private const string GoodVault = "{\"tenantId\":\"22222222-0000-4000-8000-000000000002\",\"vaultUri\":\"https://kv-t.vault.azure.net/\",\"enableSoftDelete\":true,\"enablePurgeProtection\":true}";

        [Theory]
        [InlineData("{\"vaultUri\":\"https://kv-t.vault.azure.net/\",\"enableSoftDelete\":true,\"enablePurgeProtection\":true}", AoaiFindingStatus.Pass)]
        [InlineData("{\"vaultUri\":\"https://kv-t.vault.azure.net/\",\"enablePurgeProtection\":true}", AoaiFindingStatus.Pass)] // soft delete defaults on
        [InlineData("{\"vaultUri\":\"https://kv-t.vault.azure.net/\",\"enableSoftDelete\":true}", AoaiFindingStatus.Fail)]
        [InlineData("{\"vaultUri\":\"https://kv-t.vault.azure.net/\",\"enableSoftDelete\":false,\"enablePurgeProtection\":false}", AoaiFindingStatus.Fail)]
        public void Enc002_judges_soft_delete_and_purge_protection(string vault, AoaiFindingStatus expected)
        {
            var finding = One(Account(Cmk, extra: Identity), "AOAI-ENC-002", related: new[] { Vault(vault) });
            Assert.Equal(expected, finding.Status);
            if (expected == AoaiFindingStatus.Fail) Assert.Contains("enablePurgeProtection=false", finding.Actual);
        }

        [Fact]
        public void Enc_rules_are_not_applicable_without_cmk_and_not_evaluated_without_the_vault()
        {
            foreach (var rule in new[] { "AOAI-ENC-002", "AOAI-ENC-003", "AOAI-ENC-004" })
            {
                Assert.Equal(AoaiFindingStatus.NotApplicable, One(Account("{}"), rule).Status);
                var missing = One(Account(Cmk, extra: Identity), rule);
                Assert.Equal(AoaiFindingStatus.NotEvaluated, missing.Status);
            }
            // The input has vaults, but not this one: said as such.
            var other = One(Account(Cmk, extra: Identity), "AOAI-ENC-002", related: new[] { Vault(GoodVault.Replace("kv-t", "kv-other"), name: "kv-other") });
            Assert.Equal(AoaiFindingStatus.NotEvaluated, other.Status);
            Assert.Contains("kv-t.vault.azure.net", other.Message);
        }

        [Theory]
        [InlineData("{\"kty\":\"RSA\",\"keySize\":2048}", AoaiFindingStatus.Pass)]
        [InlineData("{\"kty\":\"RSA-HSM\",\"keySize\":3072}", AoaiFindingStatus.Pass)] // the rule: at least 2048
        [InlineData("{\"kty\":\"EC\",\"curveName\":\"P-256\"}", AoaiFindingStatus.Fail)]
        [InlineData("{\"kty\":\"RSA\",\"keySize\":1024}", AoaiFindingStatus.Fail)]
        [InlineData("{\"kty\":\"RSA\",\"keySize\":\"[parameters('size')]\"}", AoaiFindingStatus.NotEvaluated)]
        public void Enc003_judges_the_key_type_and_size(string key, AoaiFindingStatus expected)
        {
            var finding = One(Account(Cmk, extra: Identity), "AOAI-ENC-003", related: new[] { Vault(GoodVault), Key(key) });
            Assert.Equal(expected, finding.Status);
        }

        [Fact]
        public void Enc003_looks_at_the_key_of_the_accounts_vault_only()
        {
            var finding = One(Account(Cmk, extra: Identity), "AOAI-ENC-003", related: new[] { Key("{\"kty\":\"EC\"}", vault: "kv-other") });
            Assert.Equal(AoaiFindingStatus.NotEvaluated, finding.Status);
        }

        [Theory]
        [InlineData("eastus", "22222222-0000-4000-8000-000000000002", AoaiFindingStatus.Pass)]
        [InlineData("East US", "22222222-0000-4000-8000-000000000002", AoaiFindingStatus.Pass)]
        [InlineData("westus", "22222222-0000-4000-8000-000000000002", AoaiFindingStatus.Fail)]
        [InlineData("eastus", "33333333-0000-4000-8000-000000000003", AoaiFindingStatus.Fail)]
        public void Enc004_judges_region_and_tenant(string location, string tenant, AoaiFindingStatus expected)
        {
            var vault = Vault(GoodVault.Replace("22222222-0000-4000-8000-000000000002", tenant), location);
            var finding = One(Account(Cmk, extra: Identity), "AOAI-ENC-004", related: new[] { vault });
            Assert.Equal(expected, finding.Status);
        }

        [Fact]
        public void Fixes_take_the_key_from_repair_or_keep_the_current_key()
        {
            Assert.Null(RuleCatalog.Find("AOAI-ENC-002")!.Fix); // vault settings: documented, not automated
            Assert.Equal(new[] { "KeyVaultResourceId", "KeyName" }, RuleCatalog.Find("AOAI-ENC-003")!.Fix!.Arguments.Select(a => a.Parameter));
            Assert.Equal(new[] { "KeyVaultResourceId", "KeyName" }, RuleCatalog.Find("AOAI-ENC-004")!.Fix!.Arguments.Select(a => a.Parameter));
            Assert.Empty(RuleCatalog.Find("AOAI-ENC-005")!.Fix!.Arguments);
        }

        [Fact]
        public void Preflight_is_stricter_than_the_rule_for_openai_key_size()
        {
            var key = JsonNode.Parse("{\"name\":\"cmk\",\"properties\":{\"kty\":\"RSA\",\"keySize\":3072}}")!.AsObject();
            Assert.Null(CustomerManagedKeys.KeyType(key, "OpenAI", exactForOpenAi: false));
            Assert.Equal("UnsupportedKey", CustomerManagedKeys.KeyType(key, "OpenAI", exactForOpenAi: true)!.Reason);
            Assert.Null(CustomerManagedKeys.KeyType(key, "AIServices", exactForOpenAi: true));
        }

        [Theory]
        [InlineData("{}", null)]
        [InlineData("{\"networkAcls\":{\"defaultAction\":\"Deny\",\"bypass\":\"AzureServices\"}}", null)]
        [InlineData("{\"publicNetworkAccess\":\"Disabled\",\"networkAcls\":{\"bypass\":\"AzureServices\"}}", null)]
        [InlineData("{\"networkAcls\":{\"defaultAction\":\"Deny\",\"bypass\":\"None\"}}", "VaultFirewallBlocksService")]
        [InlineData("{\"publicNetworkAccess\":\"Disabled\",\"networkAcls\":{\"bypass\":\"None\"}}", "VaultFirewallBlocksService")]
        public void Firewall_must_let_trusted_services_through(string properties, string? reason)
        {
            var vault = JsonNode.Parse($"{{\"name\":\"kv\",\"properties\":{properties}}}")!.AsObject();
            Assert.Equal(reason, CustomerManagedKeys.Firewall(vault)?.Reason);
        }

        [Fact]
        public void Disabled_or_expired_keys_are_not_usable()
        {
            var now = DateTimeOffset.FromUnixTimeSeconds(2_000_000_000);
            JsonObject Key(string attributes) => JsonNode.Parse($"{{\"name\":\"k\",\"properties\":{{\"attributes\":{attributes}}}}}")!.AsObject();
            Assert.Null(CustomerManagedKeys.KeyUsable(Key("{\"enabled\":true,\"exp\":2000000001}"), now));
            Assert.Equal("KeyDisabled", CustomerManagedKeys.KeyUsable(Key("{\"enabled\":false}"), now)!.Reason);
            Assert.Equal("KeyExpired", CustomerManagedKeys.KeyUsable(Key("{\"enabled\":true,\"exp\":1999999999}"), now)!.Reason);
        }

        [Fact]
        public void Access_policy_permissions_are_checked_per_principal()
        {
            var vault = JsonNode.Parse("{\"name\":\"kv\",\"properties\":{\"accessPolicies\":[" +
                "{\"tenantId\":\"t\",\"objectId\":\"A\",\"permissions\":{\"keys\":[\"Get\",\"wrapKey\"]}}," +
                "{\"tenantId\":\"t\",\"objectId\":\"b\",\"permissions\":{\"keys\":[\"all\"]}}]}}")!.AsObject();
            Assert.Equal(new[] { "unwrapKey" }, CustomerManagedKeys.MissingKeyPermissions(vault, "a"));
            Assert.Empty(CustomerManagedKeys.MissingKeyPermissions(vault, "B"));
            Assert.Equal(CustomerManagedKeys.KeyPermissions, CustomerManagedKeys.MissingKeyPermissions(vault, "c"));
        }
    }
}
