using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;

namespace AoaiHardening.Rules.Input
{
    /// <summary>
    /// Finds, for every account in an offline input set, the other resources the rules read about it: children and
    /// extension resources (by id prefix), role assignments at its scope or its resource group's, private endpoints
    /// that connect to it (with their DNS zone groups), and its customer-managed-key vault and key.
    /// </summary>
    internal static class InputJoiner
    {
        private const string RoleAssignmentsType = "Microsoft.Authorization/roleAssignments";
        private const string PrivateEndpointsType = "Microsoft.Network/privateEndpoints";
        private const string ZoneGroupsType = "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";
        private const string VaultsType = "Microsoft.KeyVault/vaults";
        private const string KeysType = "Microsoft.KeyVault/vaults/keys";
        private const string DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings";
        private const string AlertRulesType = "Microsoft.Insights/scheduledQueryRules";

        /// <summary>One AccountInput per Microsoft.CognitiveServices/accounts resource, in input order; Related keeps input order.</summary>
        public static IEnumerable<AccountInput> Join(IEnumerable<InputResource> resources)
        {
            if (resources == null) throw new ArgumentNullException(nameof(resources));
            return new Index(resources.ToList()).Join();
        }

        /// <summary>Dictionaries built once over the whole set, so that joining stays linear in the number of resources.</summary>
        private sealed class Index
        {
            private readonly List<InputResource> all;
            private readonly bool[] isAccount;
            private readonly Dictionary<string, List<int>> byId = NewIndex();
            private readonly Dictionary<string, List<int>> accountsByGroup = NewIndex();
            private readonly Dictionary<string, List<int>> accountsByVaultHost = NewIndex();
            private readonly Dictionary<string, List<int>> accountsByVaultName = NewIndex();
            // Accounts by the endpoint ids their private endpoint connections name: an exported zone group joins its account
            // even when the endpoint itself (another subscription, another export) is not in the input.
            private readonly Dictionary<string, List<int>> accountsByEndpointId = NewIndex();
            private readonly Dictionary<int, List<int>> accountsOfEndpoint = new Dictionary<int, List<int>>();
            private readonly Dictionary<int, List<int>> accountsOfVault = new Dictionary<int, List<int>>();
            // Accounts by the Log Analytics workspaces their diagnostic settings send to: an alert rule scoped to the
            // workspace joins those accounts (AOAI-MON-002).
            private readonly Dictionary<string, List<int>> accountsByWorkspace = NewIndex();

            public Index(List<InputResource> all)
            {
                this.all = all;
                isAccount = all.Select(r => Json.EqualsIgnoreCase(r.Type, AccountId.ResourceType)).ToArray();
                for (var i = 0; i < all.Count; i++)
                {
                    var key = ResourceIds.Key(all[i].Id);
                    if (key.Length > 0) Add(byId, key, i);
                    if (!isAccount[i]) continue;
                    var providers = key.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
                    if (providers > 0) Add(accountsByGroup, key.Substring(0, providers), i);
                    foreach (var connection in Json.Objects(At(all[i].Json, "properties", "privateEndpointConnections")))
                    {
                        var endpointId = Json.StringOnly(At(connection, "properties", "privateEndpoint", "id"));
                        if (endpointId != null && !(accountsByEndpointId.TryGetValue(ResourceIds.Key(endpointId), out var known) && known.Contains(i)))
                            Add(accountsByEndpointId, ResourceIds.Key(endpointId), i);
                    }
                    var vaultHost = Host(Json.StringOnly(At(all[i].Json, "properties", "encryption", "keyVaultProperties", "keyVaultUri")));
                    if (vaultHost == null) continue;
                    Add(accountsByVaultHost, vaultHost, i);
                    // A vault is named by the first label of its host; template vaults carry no vaultUri to compare.
                    Add(accountsByVaultName, vaultHost.Split('.')[0], i);
                }
                // Endpoints and vaults first: their children may come before them in the input.
                for (var i = 0; i < all.Count; i++)
                {
                    if (IsType(i, PrivateEndpointsType)) Put(accountsOfEndpoint, i, EndpointTargets(all[i]));
                    else if (IsType(i, VaultsType)) Put(accountsOfVault, i, VaultUsers(all[i]));
                    else if (IsType(i, DiagnosticSettingsType))
                    {
                        var workspace = Json.StringOnly(At(all[i].Json, "properties", "workspaceId"));
                        if (workspace == null) continue;
                        foreach (var account in Ancestors(ResourceIds.Key(all[i].Id)).Where(a => isAccount[a]))
                            Add(accountsByWorkspace, ResourceIds.Key(workspace), account);
                    }
                }
            }

            public IEnumerable<AccountInput> Join()
            {
                var related = new Dictionary<int, List<int>>();
                for (var i = 0; i < all.Count; i++)
                {
                    if (isAccount[i]) related[i] = new List<int>();
                }
                for (var i = 0; i < all.Count; i++)
                {
                    if (isAccount[i]) continue;
                    foreach (var account in AccountsOf(i))
                    {
                        // i is the newest entry of any list it is in, so a repeat is always the last one.
                        var list = related[account];
                        if (list.Count == 0 || list[list.Count - 1] != i) list.Add(i);
                    }
                }
                return related.Keys.OrderBy(a => a).Select(a => new AccountInput(all[a], related[a].Select(i => all[i]).ToList()));
            }

            private IEnumerable<int> AccountsOf(int i)
            {
                var resource = all[i];
                foreach (var ancestor in Ancestors(ResourceIds.Key(resource.Id)))
                {
                    if (isAccount[ancestor]) yield return ancestor;
                    else if (accountsOfEndpoint.TryGetValue(ancestor, out var viaEndpoint))
                        foreach (var a in viaEndpoint) yield return a;
                    else if (IsType(i, KeysType) && accountsOfVault.TryGetValue(ancestor, out var viaVault))
                        foreach (var a in viaVault.Where(a => Json.EqualsIgnoreCase(KeyName(all[a]), resource.Name))) yield return a;
                }
                if (accountsOfEndpoint.TryGetValue(i, out var endpointOf)) foreach (var a in endpointOf) yield return a;
                if (accountsOfVault.TryGetValue(i, out var vaultOf)) foreach (var a in vaultOf) yield return a;
                if (IsType(i, RoleAssignmentsType)) foreach (var a in AssignmentTargets(resource)) yield return a;
                if (IsType(i, AlertRulesType)) foreach (var a in AlertRuleTargets(resource).Distinct()) yield return a;
                if (ConnectedEndpointOf(i) is string endpoint && accountsByEndpointId.TryGetValue(endpoint, out var connected))
                    foreach (var a in connected) yield return a;
            }

            /// <summary>The resources whose ids are proper prefixes of the key, at '/' boundaries.</summary>
            private IEnumerable<int> Ancestors(string key)
            {
                for (var slash = key.IndexOf('/', 1); slash > 0; slash = key.IndexOf('/', slash + 1))
                {
                    if (byId.TryGetValue(key.Substring(0, slash), out var found))
                        foreach (var j in found) yield return j;
                }
            }

            // The scope is properties.scope (REST); a template assignment has none, and its id says where it is deployed.
            private IEnumerable<int> AssignmentTargets(InputResource assignment)
            {
                var scope = Json.StringOnly(At(assignment.Json, "properties", "scope")) ?? ScopeOfExtension(assignment.Id);
                if (scope == null) return Enumerable.Empty<int>();
                var key = ResourceIds.Key(scope);
                var atAccount = byId.TryGetValue(key, out var found) ? found.Where(j => isAccount[j]) : Enumerable.Empty<int>();
                return accountsByGroup.TryGetValue(key, out var inGroup) ? atAccount.Concat(inGroup) : atAccount;
            }

            /// <summary>The accounts a scheduled query rule watches: its scopes name the account, or a workspace the account's diagnostic settings send to.</summary>
            private IEnumerable<int> AlertRuleTargets(InputResource rule)
            {
                foreach (var scope in Json.Strings(At(rule.Json, "properties", "scopes")))
                {
                    var key = ResourceIds.Key(scope);
                    if (byId.TryGetValue(key, out var found)) foreach (var j in found.Where(j => isAccount[j])) yield return j;
                    if (accountsByWorkspace.TryGetValue(key, out var viaWorkspace)) foreach (var j in viaWorkspace) yield return j;
                }
            }

            /// <summary>For a private endpoint or one of its DNS zone groups: the endpoint's id key; else null.</summary>
            private string? ConnectedEndpointOf(int i)
            {
                var key = ResourceIds.Key(all[i].Id);
                if (IsType(i, PrivateEndpointsType)) return key;
                if (!IsType(i, ZoneGroupsType)) return null;
                var at = key.IndexOf("/privateDnsZoneGroups/", StringComparison.OrdinalIgnoreCase);
                return at > 0 ? key.Substring(0, at) : null;
            }

            private IEnumerable<int> EndpointTargets(InputResource endpoint)
            {
                var properties = At(endpoint.Json, "properties");
                var connections = Json.Objects(At(properties, "privateLinkServiceConnections"))
                    .Concat(Json.Objects(At(properties, "manualPrivateLinkServiceConnections")));
                foreach (var connection in connections)
                {
                    var target = Json.StringOnly(At(connection, "properties", "privateLinkServiceId"));
                    if (target != null && target.StartsWith("[", StringComparison.Ordinal)) target = TemplateReader.ReferencedId(target);
                    if (target != null && byId.TryGetValue(ResourceIds.Key(target), out var found))
                        foreach (var j in found.Where(j => isAccount[j])) yield return j;
                }
            }

            private IEnumerable<int> VaultUsers(InputResource vault)
            {
                var host = Host(Json.StringOnly(At(vault.Json, "properties", "vaultUri")));
                var users = host != null ? accountsByVaultHost.TryGetValue(host, out var byHost) ? byHost : null
                    : accountsByVaultName.TryGetValue(vault.Name, out var byName) ? byName : null;
                return users ?? Enumerable.Empty<int>();
            }

            private bool IsType(int i, string type) => Json.EqualsIgnoreCase(all[i].Type, type);
        }

        private static Dictionary<string, List<int>> NewIndex() => new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);

        private static void Add(Dictionary<string, List<int>> index, string key, int value)
        {
            if (!index.TryGetValue(key, out var list)) index[key] = list = new List<int>();
            list.Add(value);
        }

        private static void Put(Dictionary<int, List<int>> index, int key, IEnumerable<int> values)
        {
            var list = values.Distinct().ToList();
            if (list.Count > 0) index[key] = list;
        }

        private static string? KeyName(InputResource account) =>
            Json.StringOnly(At(account.Json, "properties", "encryption", "keyVaultProperties", "keyName"));

        /// <summary>"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}" → scope.</summary>
        private static string? ScopeOfExtension(string id)
        {
            var at = id.LastIndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.OrdinalIgnoreCase);
            return at > 0 ? id.Substring(0, at) : null;
        }

        /// <summary>The host of an absolute URI (port, path and case ignored); null for expressions and other text.</summary>
        private static string? Host(string? uri) =>
            uri != null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0 ? parsed.Host : null;

        /// <summary>A nested member, matching names case-insensitively as ARM does; null when any step is missing or not an object.</summary>
        private static JsonNode? At(JsonNode? node, params string[] names)
        {
            foreach (var name in names)
            {
                if (!(node is JsonObject o)) return null;
                node = o.TryGetPropertyValue(name, out var value) ? value
                    : o.FirstOrDefault(p => Json.EqualsIgnoreCase(p.Key, name)).Value;
            }
            return node;
        }
    }
}
