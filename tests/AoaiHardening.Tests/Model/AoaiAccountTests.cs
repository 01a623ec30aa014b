using System.Text.Json.Nodes;
using AoaiHardening.Model;
using Xunit;

namespace AoaiHardening.Tests.Model
{
    public class AoaiAccountTests
    {
        private const string Id = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a1";

        [Fact]
        public void Absent_properties_take_the_service_defaults()
        {
            var account = AoaiAccount.FromJson(JsonNode.Parse($"{{\"id\":\"{Id}\",\"name\":\"a1\",\"kind\":\"OpenAI\"}}")!.AsObject());
            Assert.Equal("Enabled", account.PublicNetworkAccess);
            Assert.Equal("Allow", account.NetworkDefaultAction);
            Assert.False(account.DisableLocalAuth);
            Assert.Equal("None", account.IdentityType);
            Assert.Equal("Microsoft.CognitiveServices", account.EncryptionKeySource);
            Assert.False(account.RestrictOutboundNetworkAccess);
            Assert.Empty(account.IpRules);
            Assert.Empty(account.PrivateEndpointConnections);
        }

        [Fact]
        public void Maps_security_settings_and_keeps_the_raw_json()
        {
            var json = JsonNode.Parse($$"""
            {
              "id": "{{Id}}", "name": "a1", "kind": "AIServices", "location": "eastus", "sku": { "name": "S0" },
              "tags": { "env": "prod" }, "etag": "W/\"x\"",
              "identity": { "type": "SystemAssigned, UserAssigned", "principalId": "p1", "tenantId": "t1",
                "userAssignedIdentities": { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u1": { "principalId": "up", "clientId": "uc" } } },
              "properties": {
                "customSubDomainName": "a1", "endpoint": "https://a1.cognitiveservices.azure.com/", "publicNetworkAccess": "disabled",
                "disableLocalAuth": true, "restrictOutboundNetworkAccess": true, "allowedFqdnList": [ "contoso.com" ],
                "networkAcls": { "defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [ { "value": "1.2.3.4" } ],
                  "virtualNetworkRules": [ { "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/sn" } ] },
                "encryption": { "keySource": "Microsoft.KeyVault", "keyVaultProperties": { "keyName": "k", "keyVersion": "v1", "keyVaultUri": "https://kv.vault.azure.net/", "identityClientId": "uc" } },
                "privateEndpointConnections": [ { "id": "pec1", "name": "pec1", "properties": { "privateEndpoint": { "id": "pe1" },
                  "privateLinkServiceConnectionState": { "status": "Approved" }, "groupIds": [ "account" ], "provisioningState": "Succeeded" } } ],
                "provisioningState": "Succeeded", "someFutureField": { "x": 1 }
              }
            }
            """)!.AsObject();
            var a = AoaiAccount.FromJson(json);
            Assert.Equal("disabled", a.PublicNetworkAccess);
            Assert.Equal("Deny", a.NetworkDefaultAction);
            Assert.Equal("AzureServices", a.NetworkBypass);
            Assert.Equal(new[] { "1.2.3.4" }, a.IpRules);
            Assert.Single(a.VirtualNetworkRules);
            Assert.True(a.DisableLocalAuth);
            Assert.Equal("p1", a.PrincipalId);
            Assert.Equal("uc", Assert.Single(a.UserAssignedIdentities).ClientId);
            Assert.Equal("Microsoft.KeyVault", a.EncryptionKeySource);
            Assert.Equal("k", a.KeyName);
            Assert.Equal("uc", a.IdentityClientId);
            Assert.True(a.RestrictOutboundNetworkAccess);
            Assert.Equal(new[] { "contoso.com" }, a.AllowedFqdnList);
            var pec = Assert.Single(a.PrivateEndpointConnections);
            Assert.Equal("Approved", pec.Status);
            Assert.Equal("pe1", pec.PrivateEndpointId);
            Assert.Equal("prod", a.Tags["ENV"]);
            Assert.Contains("someFutureField", a.RawJson);
        }
    }
}
