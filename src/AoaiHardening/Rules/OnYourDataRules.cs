using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>The three resources of an On Your Data setup.</summary>
    internal enum OydResource
    {
        OpenAI,
        Search,
        Storage,
    }

    /// <summary>A row of the On Your Data role table (shared/reference/rules.md): a role the assignee's system-assigned identity needs on a resource.</summary>
    internal sealed class OydRoleRow
    {
        public OydRoleRow(string role, string grantRoleId, OydResource assignee, OydResource resource, params string[] alsoAccepted)
        {
            Role = role;
            GrantRoleId = grantRoleId;
            Assignee = assignee;
            Resource = resource;
            AcceptedRoleIds = new[] { grantRoleId }.Concat(alsoAccepted).ToArray();
        }

        /// <summary>The role's display name (and, where the table accepts two, both).</summary>
        public string Role { get; }
        /// <summary>The role Grant-AoaiOnYourDataAccess assigns.</summary>
        public string GrantRoleId { get; }
        /// <summary>Roles that satisfy the row (Search → Storage: Blob Data Reader or Contributor).</summary>
        public IReadOnlyList<string> AcceptedRoleIds { get; }
        public OydResource Assignee { get; }
        public OydResource Resource { get; }

        public string Label => $"{Role}: {OnYourDataRules.Noun(Assignee)} identity on {OnYourDataRules.Noun(Resource)}";

        public bool Accepts(string? roleGuid) => roleGuid != null && AcceptedRoleIds.Any(r => string.Equals(r, roleGuid, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>One of the three resources as read (or the reason it could not be).</summary>
    internal sealed class OydResourceState
    {
        public OydResourceState(OydResource kind, string id, string name, JsonObject? json, string? readError)
        {
            Kind = kind;
            Id = id;
            Name = name;
            Json = json;
            ReadError = readError;
        }

        public OydResource Kind { get; }
        public string Id { get; }
        public string Name { get; }
        public JsonObject? Json { get; }
        public string? ReadError { get; }

        /// <summary>"search service srch-contoso-oyd".</summary>
        public string Label => $"{OnYourDataRules.Noun(Kind)} {Name}";

        /// <summary>The principal of the system-assigned identity; null when there is none (or the resource could not be read).</summary>
        public string? SystemPrincipalId => HasSystemIdentity ? Arm.Json.Str((Json!["identity"] as JsonObject)?["principalId"]) : null;

        public bool HasSystemIdentity =>
            Json != null && (Arm.Json.Str((Json["identity"] as JsonObject)?["type"]) ?? "None").IndexOf("SystemAssigned", StringComparison.OrdinalIgnoreCase) >= 0;

        public string IdentityType => Arm.Json.Str((Json?["identity"] as JsonObject)?["type"]) ?? "None";

        public string? Property(string path)
        {
            JsonNode? node = Json;
            foreach (var part in path.Split('.'))
            {
                node = (node as JsonObject)?[part];
                if (node == null) return null;
            }
            return Arm.Json.Str(node);
        }

        public JsonObject? Object(string path)
        {
            JsonNode? node = Json;
            foreach (var part in path.Split('.')) node = (node as JsonObject)?[part];
            return node as JsonObject;
        }
    }

    /// <summary>The role assignments of one assignee that reach one resource, or why they could not be read.</summary>
    internal sealed class OydAssignments
    {
        public OydAssignments(IReadOnlyList<AoaiRoleAssignment>? assignments, string? readError)
        {
            Assignments = assignments;
            ReadError = readError;
        }

        public IReadOnlyList<AoaiRoleAssignment>? Assignments { get; }
        public string? ReadError { get; }
    }

    /// <summary>What the On Your Data rules evaluate: the three resources and, per (assignee, resource), the assignments reaching it.</summary>
    internal sealed class OydInput
    {
        public OydInput(OydResourceState account, OydResourceState search, OydResourceState storage)
        {
            Account = account;
            Search = search;
            Storage = storage;
        }

        public OydResourceState Account { get; }
        public OydResourceState Search { get; }
        public OydResourceState Storage { get; }

        public Dictionary<(OydResource Assignee, OydResource Resource), OydAssignments> Assignments { get; } =
            new Dictionary<(OydResource, OydResource), OydAssignments>();

        public OydResourceState Of(OydResource kind) => kind switch
        {
            OydResource.OpenAI => Account,
            OydResource.Search => Search,
            _ => Storage,
        };
    }

    /// <summary>
    /// AOAI-OYD-001..007 (shared/reference/rules.md, "On Your Data"): the secure setup across the OpenAI account, the AI
    /// Search service and the storage account, as findings. Pure: the cmdlet reads, this judges. Every check yields a
    /// result for every resource it covers: Pass, Fail, or Error naming the resource that could not be read.
    /// </summary>
    internal static class OnYourDataRules
    {
        public const string BaselineName = "OnYourData";
        public const string EvaluatedBy = "Test-AoaiOnYourDataSecurity";

        /// <summary>Evidence keys every OYD finding carries, so Repair-AoaiHardening needs no extra parameters.</summary>
        public const string SearchEvidence = "SearchServiceResourceId";
        public const string StorageEvidence = "StorageAccountResourceId";
        public const string TargetEvidence = "TargetResourceId";

        public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
        public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
        public const string SearchIndexDataReader = "1407120a-92aa-4202-b7e9-c0e197c71c8f";
        public const string SearchServiceContributor = "7ca78c08-252a-4471-8644-bb5ff32d4ba0";

        /// <summary>The role table of rules.md, in its order.</summary>
        public static IReadOnlyList<OydRoleRow> Table { get; } = new[]
        {
            new OydRoleRow("Search Index Data Reader", SearchIndexDataReader, OydResource.OpenAI, OydResource.Search),
            new OydRoleRow("Search Service Contributor", SearchServiceContributor, OydResource.OpenAI, OydResource.Search),
            new OydRoleRow("Storage Blob Data Contributor", StorageBlobDataContributor, OydResource.OpenAI, OydResource.Storage),
            new OydRoleRow("Cognitive Services OpenAI Contributor", BuiltInRoles.OpenAiContributor, OydResource.Search, OydResource.OpenAI),
            new OydRoleRow("Storage Blob Data Reader (or Contributor)", StorageBlobDataReader, OydResource.Search, OydResource.Storage, StorageBlobDataContributor),
        };

        /// <summary>The (assignee, resource) pairs whose assignments the table needs: one list request each.</summary>
        public static IEnumerable<(OydResource Assignee, OydResource Resource)> Pairs =>
            Table.Select(r => (r.Assignee, r.Resource)).Distinct();

        public static string Noun(OydResource kind) => kind switch
        {
            OydResource.OpenAI => "OpenAI account",
            OydResource.Search => "search service",
            _ => "storage account",
        };

        /// <summary>The findings of AOAI-OYD-001..007, in rule order.</summary>
        public static IEnumerable<AoaiFinding> Evaluate(OydInput input, ISet<string> availableCommands)
        {
            foreach (var (ruleId, outcome, target) in Outcomes(input))
                yield return ToFinding(ruleId, outcome, target, input, availableCommands);
        }

        private static IEnumerable<(string RuleId, RuleOutcome Outcome, OydResourceState Target)> Outcomes(OydInput input)
        {
            yield return ("AOAI-OYD-001", Guarded(input.Account, ManagedIdentity), input.Account);
            foreach (var resource in new[] { input.Account, input.Storage })
                yield return ("AOAI-OYD-002", Guarded(resource, NetworkAcls), resource);
            foreach (var resource in new[] { input.Account, input.Search, input.Storage })
                yield return ("AOAI-OYD-003", Guarded(resource, PublicAccess), resource);
            foreach (var resource in new[] { input.Account, input.Search, input.Storage })
                yield return ("AOAI-OYD-004", Guarded(resource, PrivateEndpoint), resource);
            yield return ("AOAI-OYD-005", Guarded(input.Search, SearchAuth), input.Search);
            yield return ("AOAI-OYD-006", Guarded(input.Search, ManagedIdentity), input.Search);
            foreach (var row in Table)
                yield return ("AOAI-OYD-007", Role(row, input), input.Of(row.Resource));
        }

        private static RuleOutcome Guarded(OydResourceState resource, Func<OydResourceState, RuleOutcome> check) =>
            resource.Json == null
                ? RuleOutcome.Error($"The {resource.Label} could not be read: {resource.ReadError ?? "no data"}", resource.Label)
                : check(resource);

        private static RuleOutcome ManagedIdentity(OydResourceState r)
        {
            var actual = $"identity.type={r.IdentityType}";
            if (!r.HasSystemIdentity)
                return RuleOutcome.Fail($"The {r.Label} has no system-assigned managed identity, so it cannot authenticate to the other resources with Microsoft Entra ID.", actual, "SystemAssigned", r.Label);
            return r.SystemPrincipalId == null
                ? RuleOutcome.Fail($"The {r.Label} reports a system-assigned identity without a principal id.", actual + ", principalId absent", "SystemAssigned with a principalId", r.Label)
                : RuleOutcome.Pass($"The {r.Label} has a system-assigned identity (principal {r.SystemPrincipalId}).", actual + $", principalId={r.SystemPrincipalId}", "SystemAssigned", r.Label);
        }

        private static RuleOutcome NetworkAcls(OydResourceState r)
        {
            var bypass = r.Property("properties.networkAcls.bypass");
            var action = r.Property("properties.networkAcls.defaultAction") ?? "Allow";
            // Storage takes a comma list (Logging, Metrics, AzureServices); the OpenAI account a single value.
            var bypassesAzure = (bypass ?? string.Empty).Split(',').Any(b => Is(b.Trim(), "AzureServices"));
            var actual = $"networkAcls.bypass={bypass ?? "(absent)"}, networkAcls.defaultAction={action}";
            const string expected = "networkAcls.bypass=AzureServices, networkAcls.defaultAction=Deny";
            var problems = new List<string>();
            if (!bypassesAzure) problems.Add("trusted Azure services are not allowed through (bypass lacks AzureServices), so the other resources' managed identities cannot reach it");
            if (!Is(action, "Deny")) problems.Add("the network default action is Allow, so any network can reach it");
            return problems.Count == 0
                ? RuleOutcome.Pass($"The {r.Label} denies other networks and lets trusted Azure services through.", actual, expected, r.Label)
                : RuleOutcome.Fail($"The {r.Label}: {string.Join("; ", problems)}.", actual, expected, r.Label);
        }

        private static RuleOutcome PublicAccess(OydResourceState r)
        {
            // Absent → Enabled (rules.md defaults); Search spells it in lower case.
            var access = r.Property("properties.publicNetworkAccess") ?? "Enabled";
            return Is(access, "Enabled")
                ? RuleOutcome.Fail($"The {r.Label} has public network access enabled.", $"publicNetworkAccess={access}", "Disabled", r.Label)
                : RuleOutcome.Pass($"The {r.Label} has public network access {access}.", $"publicNetworkAccess={access}", "Disabled", r.Label);
        }

        private static RuleOutcome PrivateEndpoint(OydResourceState r)
        {
            var statuses = new List<string>();
            foreach (var connection in Arm.Json.Objects(r.Object("properties")?["privateEndpointConnections"]))
            {
                var status = Arm.Json.Str((connection["properties"] as JsonObject)?["privateLinkServiceConnectionState"]?["status"]) ?? "(none)";
                var name = Arm.Json.Str(connection["name"]) ?? "?";
                statuses.Add($"{name}={status}");
                if (Is(status, "Approved"))
                    return RuleOutcome.Pass($"The {r.Label} has an approved private endpoint connection ({name}).", string.Join(", ", statuses), "an Approved connection", r.Label);
            }
            return RuleOutcome.Fail(statuses.Count == 0 ? $"The {r.Label} has no private endpoint connection." : $"No private endpoint connection of the {r.Label} is approved.",
                statuses.Count == 0 ? "(no connections)" : string.Join(", ", statuses), "an Approved connection", r.Label);
        }

        private static RuleOutcome SearchAuth(OydResourceState r)
        {
            var options = r.Object("properties.authOptions");
            var disableLocalAuth = Arm.Json.Bool(r.Object("properties")?["disableLocalAuth"]) ?? false;
            var mode = options == null ? "(absent: apiKeyOnly)" : string.Join(",", options.Select(p => p.Key));
            var actual = $"authOptions={mode}, disableLocalAuth={(disableLocalAuth ? "true" : "false")}";
            const string expected = "authOptions=aadOrApiKey (or disableLocalAuth=true: Microsoft Entra ID only)";
            if (options != null && options.Any(p => Is(p.Key, "aadOrApiKey")))
                return RuleOutcome.Pass($"The {r.Label} accepts Microsoft Entra ID tokens (aadOrApiKey).", actual, expected, r.Label);
            if (disableLocalAuth)
                return RuleOutcome.Pass($"The {r.Label} accepts Microsoft Entra ID tokens only (local authentication disabled).", actual, expected, r.Label);
            return RuleOutcome.Fail($"The {r.Label} accepts API keys only: the OpenAI account's managed identity cannot authenticate to it.", actual, expected, r.Label);
        }

        private static RuleOutcome Role(OydRoleRow row, OydInput input)
        {
            var assignee = input.Of(row.Assignee);
            var resource = input.Of(row.Resource);
            var target = row.Label;
            if (assignee.Json == null)
                return RuleOutcome.Error($"'{row.Role}' for the {assignee.Label} on the {resource.Label} cannot be checked: the {assignee.Label} could not be read: {assignee.ReadError ?? "no data"}", target);
            var principal = assignee.SystemPrincipalId;
            if (principal == null)
                return RuleOutcome.Fail($"'{row.Role}' on the {resource.Label} cannot be held: the {assignee.Label} has no system-assigned identity ({assignee.IdentityType}); enable it first.",
                    $"{assignee.Label}: identity.type={assignee.IdentityType}", $"{row.Role} for the system-assigned identity of the {assignee.Label} at {resource.Id} or a parent scope", target);
            if (!input.Assignments.TryGetValue((row.Assignee, row.Resource), out var read) || read.Assignments == null)
                return RuleOutcome.Error($"The role assignments reaching the {resource.Label} ({resource.Id}) could not be read: {read?.ReadError ?? "not read"}", target)
                    .WithEvidence(new Dictionary<string, string> { ["PrincipalId"] = principal, ["Scope"] = resource.Id });
            var expected = $"{row.Role} for principal {principal} at {resource.Id} or a parent scope";
            var held = read.Assignments.FirstOrDefault(a => string.Equals(a.PrincipalId, principal, StringComparison.OrdinalIgnoreCase) && row.Accepts(a.RoleDefinitionId) && Reaches(a.Scope, resource.Id));
            var evidence = new Dictionary<string, string> { ["PrincipalId"] = principal, ["RoleDefinitionId"] = row.GrantRoleId, ["Scope"] = resource.Id };
            if (held != null)
            {
                var how = ArmScope.SameScope(held.Scope, resource.Id) ? "at the resource" : $"inherited from {held.Scope}";
                evidence["Scope"] = held.Scope;
                evidence["RoleDefinitionId"] = held.RoleDefinitionId;
                return RuleOutcome.Pass($"The {assignee.Label}'s identity holds '{held.RoleDefinitionName}' on the {resource.Label} ({how}).",
                    $"{held.RoleDefinitionName} at {held.Scope}", expected, target).WithEvidence(evidence);
            }
            return RuleOutcome.Fail($"The {assignee.Label}'s identity (principal {principal}) lacks '{row.Role}' on the {resource.Label}.",
                "(no matching assignment)", expected, target).WithEvidence(evidence);
        }

        /// <summary>True when an assignment at <paramref name="scope"/> reaches the resource: the resource itself or a parent (group, subscription, management group, root).</summary>
        public static bool Reaches(string? scope, string resourceId)
        {
            if (string.IsNullOrEmpty(scope)) return false;
            var level = ArmScope.LevelOf(scope);
            if (level == AoaiScopeLevel.Root || level == AoaiScopeLevel.ManagementGroup) return true;
            return ArmScope.SameScope(scope, resourceId) ||
                   (resourceId.TrimEnd('/') + "/").StartsWith(scope!.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);
        }

        private static AoaiFinding ToFinding(string ruleId, RuleOutcome outcome, OydResourceState target, OydInput input, ISet<string> availableCommands)
        {
            var rule = RuleCatalog.Find(ruleId)!;
            var account = input.Account;
            var evidence = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                [SearchEvidence] = input.Search.Id,
                [StorageEvidence] = input.Storage.Id,
                [TargetEvidence] = target.Id,
            };
            foreach (var pair in outcome.Evidence ?? new Dictionary<string, string>()) evidence[pair.Key] = pair.Value;
            AccountId.TryParse(account.Id, out var accountId);
            var finding = new AoaiFinding
            {
                RuleId = ruleId,
                Title = rule.Info.Title,
                Severity = rule.Info.Severity,
                Status = outcome.Status,
                ResourceId = account.Id,
                ResourceName = account.Name,
                SubscriptionId = accountId?.SubscriptionId,
                ResourceGroupName = accountId?.ResourceGroupName,
                Kind = Arm.Json.Str(account.Json?["kind"]),
                Target = outcome.Target ?? target.Label,
                Evidence = evidence,
                Actual = outcome.Actual,
                Expected = outcome.Expected,
                Message = outcome.Message,
                Controls = rule.Info.Controls,
                Baseline = BaselineName,
            };
            if (outcome.Status != AoaiFindingStatus.Fail) return finding;
            if (rule.Fix != null && rule.Fix.Applies(finding) && availableCommands.Contains(rule.Fix.Command))
            {
                finding.RemediationCommand = rule.Fix.Command;
                finding.Remediation = rule.Fix.Render(finding, RepairInputs.None);
            }
            else
            {
                finding.Remediation = ManualRemediation(ruleId, target);
            }
            return finding;
        }

        /// <summary>What to run where the module has no cmdlet (the Search and Storage settings): an Azure CLI line, or the steps.</summary>
        internal static string ManualRemediation(string ruleId, OydResourceState target)
        {
            var id = "'" + target.Id.Replace("'", "''") + "'";
            switch (ruleId)
            {
                case "AOAI-OYD-001":
                    return "Enable-AoaiManagedIdentity -SystemAssigned -ResourceId " + id;
                case "AOAI-OYD-002":
                    return target.Kind == OydResource.Storage
                        ? $"az storage account update --ids {id} --default-action Deny --bypass AzureServices"
                        : "Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices -ResourceId " + id;
                case "AOAI-OYD-003":
                    return target.Kind switch
                    {
                        OydResource.Search => $"az search service update --ids {id} --public-network-access disabled",
                        OydResource.Storage => $"az storage account update --ids {id} --public-network-access Disabled",
                        _ => "Disable-AoaiPublicNetworkAccess -AllowTrustedAzureServices -ResourceId " + id,
                    };
                case "AOAI-OYD-004":
                    return target.Kind == OydResource.OpenAI
                        ? "New-AoaiPrivateEndpoint -ResourceId " + id + " -SubnetId '<subnet resource id>'"
                        : $"Create a private endpoint to the {target.Label} (group id {(target.Kind == OydResource.Search ? "searchService" : "blob")}) in the virtual network of the OpenAI account's private endpoint, and approve its connection.";
                case "AOAI-OYD-005":
                    return $"az search service update --ids {id} --auth-options aadOrApiKey --aad-auth-failure-mode http401WithBearerChallenge";
                case "AOAI-OYD-006":
                    return $"az search service update --ids {id} --identity-type SystemAssigned";
                default:
                    return "Grant-AoaiOnYourDataAccess -ResourceId <account> -SearchServiceResourceId <search> -StorageAccountResourceId <storage>";
            }
        }

        private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
    }
}
