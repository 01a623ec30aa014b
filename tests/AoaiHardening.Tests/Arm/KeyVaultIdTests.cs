using System;
using AoaiHardening.Arm;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    public sealed class KeyVaultIdTests
    {
        private static readonly string[] Suffixes = { "vault.azure.net", "vault.azure.cn", "vault.usgovcloudapi.net" };

        [Theory]
        [InlineData("https://kv-contoso.vault.azure.net/keys/cmk", "kv-contoso", "cmk", null)]
        [InlineData("https://KV-Contoso.vault.azure.net:443/keys/cmk/0123456789ABCDEF0123456789abcdef", "kv-contoso", "cmk", "0123456789abcdef0123456789abcdef")]
        [InlineData("https://kv-cn.vault.azure.cn/keys/k-1/", "kv-cn", "k-1", null)]
        public void Key_identifiers_parse(string text, string vault, string key, string? version)
        {
            var uri = KeyVaultKeyUri.Parse(text, Suffixes);
            Assert.Equal(vault, uri.VaultName);
            Assert.Equal(key, uri.KeyName);
            Assert.Equal(version, uri.KeyVersion);
            Assert.Equal($"https://{uri.Host}/", uri.VaultUri);
        }

        [Theory]
        [InlineData("http://kv.vault.azure.net/keys/cmk")] // not https
        [InlineData("https://kv.example.com/keys/cmk")] // not a vault host
        [InlineData("https://kv-contoso.vault.azure.net/secrets/cmk")] // a secret
        [InlineData("https://kv-contoso.vault.azure.net/keys/")] // no key name
        [InlineData("https://kv-contoso.vault.azure.net/keys/cmk/notaversion")]
        [InlineData("https://kv-contoso.vault.azure.net/keys/cm_k")]
        [InlineData("https://kv-contoso.vault.azure.net:8443/keys/cmk")]
        [InlineData("https://kv-contoso.vault.azure.net/keys/cmk?api-version=7.5")]
        [InlineData("https://k.vault.azure.net/keys/cmk")] // vault name too short
        [InlineData("kv-contoso/keys/cmk")]
        [InlineData("")]
        public void Malformed_key_identifiers_are_refused(string text)
        {
            var ex = Assert.Throws<ArgumentException>(() => KeyVaultKeyUri.Parse(text, Suffixes));
            Assert.Contains("key identifier", ex.Message);
        }

        [Fact]
        public void Vault_ids_parse_and_refuse_other_types()
        {
            var id = KeyVaultResourceId.Parse("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg-ai-prod/providers/Microsoft.KeyVault/vaults/kv-contoso-prod");
            Assert.Equal("kv-contoso-prod", id.Name);
            Assert.Equal("rg-ai-prod", id.ResourceGroupName);
            Assert.Contains("not a Key Vault id", Assert.Throws<ArgumentException>(() =>
                KeyVaultResourceId.Parse("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st")).Message);
            Assert.Throws<ArgumentException>(() => KeyVaultResourceId.Parse("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-x"));
            Assert.Throws<ArgumentException>(() => KeyVaultResourceId.Parse("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv--x"));
            Assert.Throws<ArgumentException>(() => KeyVaultResourceId.Parse("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/1kv"));
        }

        [Fact]
        public void Versions_come_from_versioned_identifiers_only()
        {
            Assert.Equal("fd618d9519b74f9aae94ade66b876acc", KeyVaultKeyUri.VersionOf("https://v.vault.azure.net:443/keys/k/fd618d9519b74f9aae94ade66b876acc"));
            Assert.Null(KeyVaultKeyUri.VersionOf("https://v.vault.azure.net:443/keys/k"));
            Assert.Null(KeyVaultKeyUri.VersionOf(null));
        }
    }
}
