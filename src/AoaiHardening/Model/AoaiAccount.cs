using System;
using System.Collections;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Model
{
    /// <summary>
    /// An Azure OpenAI / AI Services account (Microsoft.CognitiveServices/accounts) as every cmdlet passes it along the
    /// pipeline. Security settings show their effective value: where ARM omits a property, the service default applies
    /// (shared/reference/rules.md, "Defaults when a property is absent"). RawJson keeps the resource exactly as received.
    /// </summary>
    public sealed class AoaiAccount
    {
        public string Id { get; private set; } = string.Empty;
        public string SubscriptionId { get; private set; } = string.Empty;
        public string ResourceGroupName { get; private set; } = string.Empty;
        public string Name { get; private set; } = string.Empty;
        public string? Kind { get; private set; }
        public string? Sku { get; private set; }
        public string? Location { get; private set; }
        public string? Endpoint { get; private set; }
        public string? CustomSubDomainName { get; private set; }
        /// <summary>Enabled or Disabled (absent means Enabled).</summary>
        public string PublicNetworkAccess { get; private set; } = "Enabled";
        /// <summary>networkAcls.defaultAction: Allow or Deny (absent means Allow).</summary>
        public string NetworkDefaultAction { get; private set; } = "Allow";
        /// <summary>networkAcls.bypass: None or AzureServices; null when not set.</summary>
        public string? NetworkBypass { get; private set; }
        public string[] IpRules { get; private set; } = Array.Empty<string>();
        /// <summary>Subnet resource ids of the virtual network rules.</summary>
        public string[] VirtualNetworkRules { get; private set; } = Array.Empty<string>();
        public AoaiPrivateEndpointConnection[] PrivateEndpointConnections { get; private set; } = Array.Empty<AoaiPrivateEndpointConnection>();
        public bool DisableLocalAuth { get; private set; }
        /// <summary>None, SystemAssigned, UserAssigned or "SystemAssigned, UserAssigned" (absent means None).</summary>
        public string IdentityType { get; private set; } = "None";
        public string? PrincipalId { get; private set; }
        public string? TenantId { get; private set; }
        public AoaiUserAssignedIdentity[] UserAssignedIdentities { get; private set; } = Array.Empty<AoaiUserAssignedIdentity>();
        /// <summary>Microsoft.CognitiveServices (Microsoft-managed) or Microsoft.KeyVault (customer-managed); absent means Microsoft-managed.</summary>
        public string EncryptionKeySource { get; private set; } = "Microsoft.CognitiveServices";
        public string? KeyVaultUri { get; private set; }
        public string? KeyName { get; private set; }
        public string? KeyVersion { get; private set; }
        public string? IdentityClientId { get; private set; }
        public bool RestrictOutboundNetworkAccess { get; private set; }
        public string[] AllowedFqdnList { get; private set; } = Array.Empty<string>();
        public string? ProvisioningState { get; private set; }
        public Hashtable Tags { get; private set; } = new Hashtable(StringComparer.OrdinalIgnoreCase);
        public string? Etag { get; private set; }
        /// <summary>The ARM resource JSON as received; unknown fields included.</summary>
        public string RawJson { get; private set; } = "{}";

        /// <summary>The parsed resource, kept so rule evaluation does not parse RawJson again; never handed out.</summary>
        internal System.Text.Json.Nodes.JsonObject Resource { get; private set; } = new System.Text.Json.Nodes.JsonObject();

        public override string ToString() => Id;

        internal static AoaiAccount FromJson(JsonObject json)
        {
            var id = Json.Str(json["id"]) ?? throw new FormatException("The account JSON has no 'id'.");
            var parsed = AccountId.Parse(id);
            var props = json["properties"] as JsonObject;
            var acls = props?["networkAcls"] as JsonObject;
            var identity = json["identity"] as JsonObject;
            var encryption = props?["encryption"] as JsonObject;
            var keyVault = encryption?["keyVaultProperties"] as JsonObject;

            var account = new AoaiAccount
            {
                Id = id,
                SubscriptionId = parsed.SubscriptionId,
                ResourceGroupName = parsed.ResourceGroupName,
                Name = Json.Str(json["name"]) ?? parsed.Name,
                Kind = Json.Str(json["kind"]),
                Sku = Json.Str((json["sku"] as JsonObject)?["name"]),
                Location = Json.Str(json["location"]),
                Endpoint = Json.Str(props?["endpoint"]),
                CustomSubDomainName = Json.Str(props?["customSubDomainName"]),
                PublicNetworkAccess = Json.Str(props?["publicNetworkAccess"]) ?? "Enabled",
                NetworkDefaultAction = Json.Str(acls?["defaultAction"]) ?? "Allow",
                NetworkBypass = Json.Str(acls?["bypass"]),
                IpRules = Json.Objects(acls?["ipRules"]).Select(r => Json.Str(r["value"])).Where(v => v != null).Select(v => v!).ToArray(),
                VirtualNetworkRules = Json.Objects(acls?["virtualNetworkRules"]).Select(r => Json.Str(r["id"])).Where(v => v != null).Select(v => v!).ToArray(),
                PrivateEndpointConnections = Json.Objects(props?["privateEndpointConnections"]).Select(AoaiPrivateEndpointConnection.FromJson).ToArray(),
                DisableLocalAuth = Json.Bool(props?["disableLocalAuth"]) ?? false,
                IdentityType = Json.Str(identity?["type"]) ?? "None",
                PrincipalId = Json.Str(identity?["principalId"]),
                TenantId = Json.Str(identity?["tenantId"]),
                UserAssignedIdentities = (identity?["userAssignedIdentities"] as JsonObject)?
                    .Select(p => new AoaiUserAssignedIdentity(p.Key, Json.Str((p.Value as JsonObject)?["principalId"]), Json.Str((p.Value as JsonObject)?["clientId"])))
                    .ToArray() ?? Array.Empty<AoaiUserAssignedIdentity>(),
                EncryptionKeySource = Json.Str(encryption?["keySource"]) ?? "Microsoft.CognitiveServices",
                KeyVaultUri = Json.Str(keyVault?["keyVaultUri"]),
                KeyName = Json.Str(keyVault?["keyName"]),
                KeyVersion = Json.Str(keyVault?["keyVersion"]),
                IdentityClientId = Json.Str(keyVault?["identityClientId"]),
                RestrictOutboundNetworkAccess = Json.Bool(props?["restrictOutboundNetworkAccess"]) ?? false,
                AllowedFqdnList = (props?["allowedFqdnList"] as JsonArray)?.Select(Json.Str).Where(v => v != null).Select(v => v!).ToArray() ?? Array.Empty<string>(),
                ProvisioningState = Json.Str(props?["provisioningState"]),
                Etag = Json.Str(json["etag"]),
                RawJson = json.ToJsonString(),
                Resource = json,
            };
            if (json["tags"] is JsonObject tags)
            {
                foreach (var tag in tags) account.Tags[tag.Key] = Json.Str(tag.Value);
            }
            return account;
        }
    }

    /// <summary>A private endpoint connection of an account.</summary>
    public sealed class AoaiPrivateEndpointConnection
    {
        public string? Id { get; private set; }
        public string? Name { get; private set; }
        public string? PrivateEndpointId { get; private set; }
        /// <summary>Pending, Approved, Rejected or Disconnected.</summary>
        public string? Status { get; private set; }
        public string? ProvisioningState { get; private set; }
        public string[] GroupIds { get; private set; } = Array.Empty<string>();

        public override string ToString() => $"{Name} ({Status})";

        internal static AoaiPrivateEndpointConnection FromJson(JsonObject json)
        {
            var props = json["properties"] as JsonObject;
            return new AoaiPrivateEndpointConnection
            {
                Id = Json.Str(json["id"]),
                Name = Json.Str(json["name"]),
                PrivateEndpointId = Json.Str((props?["privateEndpoint"] as JsonObject)?["id"]),
                Status = Json.Str((props?["privateLinkServiceConnectionState"] as JsonObject)?["status"]),
                ProvisioningState = Json.Str(props?["provisioningState"]),
                GroupIds = (props?["groupIds"] as JsonArray)?.Select(Json.Str).Where(v => v != null).Select(v => v!).ToArray() ?? Array.Empty<string>(),
            };
        }
    }

    /// <summary>A user-assigned managed identity attached to an account.</summary>
    public sealed class AoaiUserAssignedIdentity
    {
        public AoaiUserAssignedIdentity(string resourceId, string? principalId, string? clientId)
        {
            ResourceId = resourceId;
            PrincipalId = principalId;
            ClientId = clientId;
        }

        public string ResourceId { get; }
        public string? PrincipalId { get; }
        public string? ClientId { get; }

        public override string ToString() => ResourceId;
    }
}
