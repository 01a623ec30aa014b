using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AoaiHardening.Emulator.Core;

/// <summary>How big a generated fleet is (POST /_emulator/fleet); every field optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt size must fail loudly, not give the default
public sealed record FleetSpec(int Subscriptions = 10, int AccountsPerSubscription = 100, int ResourceGroupsPerSubscription = 10)
{
    public const int MaxTotal = 100_000;

    internal void Validate()
    {
        if (Subscriptions < 1 || AccountsPerSubscription < 1 || ResourceGroupsPerSubscription < 1)
            throw new ArgumentException("subscriptions, accountsPerSubscription and resourceGroupsPerSubscription must be at least 1.");
        if ((long)Subscriptions * AccountsPerSubscription > MaxTotal || (long)Subscriptions * ResourceGroupsPerSubscription > MaxTotal)
            throw new ArgumentException($"A fleet holds at most {MaxTotal} accounts and {MaxTotal} resource groups (subscriptions × per subscription).");
    }
}

/// <summary>What a fleet added: its subscription ids, how many accounts, resources (stored, children included) and role assignments.</summary>
public sealed record FleetResult(IReadOnlyList<string> Subscriptions, int Accounts, int Resources, int RoleAssignments);

/// <summary>
/// A large, deterministic tenant for scale tests: no randomness, every variation follows from the indexes (subscription
/// i, resource group j, account k, all from 1), so two runs and a reset give the same ids and the same findings.
/// The output is plain scenario material (seeds, subscriptions, principals, role assignments), stored the way a
/// scenario's is.
/// </summary>
internal static class Fleet
{
    public const string SubscriptionPrefix = "f1ee7000-0000-4000-8000-";
    private const string WorkspaceGroup = "rg-fleet-01";
    private const string Location = "eastus";
    public const string FilterName = "fleet-filter";
    public const string KeyName = "cmk";

    internal sealed record Generated(
        List<ScenarioSubscription> Subscriptions, List<ScenarioPrincipal> Principals, List<SeedResource> Seeds,
        List<RoleAssignment> RoleAssignments, int Accounts);

    public static string SubscriptionId(int i) => $"{SubscriptionPrefix}{i:D12}";
    public static string GroupName(int j) => $"rg-fleet-{j:D2}";
    public static string AccountName(int i, int k) => $"aoai-fleet-{i:D3}-{k:D4}";
    public static string VaultName(int i) => $"kvfleet{i:D3}";
    public static string WorkspaceName(int i) => $"law-fleet-{i:D3}";

    /// <summary>GUIDs by kind (a letter in the fourth group) and two indexes: readable, unique, stable.</summary>
    private static string Id(char kind, int a, int b) => $"f1ee7000-0000-4000-{kind}000-{a:D6}{b:D6}";

    public static Generated Generate(FleetSpec spec, string tenantId)
    {
        var subscriptions = new List<ScenarioSubscription>();
        var principals = new List<ScenarioPrincipal>();
        var seeds = new List<SeedResource>();
        var assignments = new List<RoleAssignment>();
        var now = DateTimeOffset.UtcNow;
        for (var i = 1; i <= spec.Subscriptions; i++)
        {
            var sub = SubscriptionId(i);
            var groups = Enumerable.Range(1, spec.ResourceGroupsPerSubscription)
                .Select(j => new ScenarioResourceGroup { Name = GroupName(j), Location = Location }).ToList();
            subscriptions.Add(new ScenarioSubscription { SubscriptionId = sub, DisplayName = $"fleet-{i:D3}", ResourceGroups = groups });

            // Shared per subscription: the workspace diagnostic settings send to, the vault whose key CMK accounts use.
            var workspaceId = ResourceIds.For(sub, WorkspaceGroup, "Microsoft.OperationalInsights/workspaces", WorkspaceName(i));
            seeds.Add(Seed(sub, WorkspaceGroup, new JsonObject
            {
                ["type"] = "Microsoft.OperationalInsights/workspaces",
                ["name"] = WorkspaceName(i),
                ["location"] = Location,
                ["properties"] = new JsonObject { ["sku"] = new JsonObject { ["name"] = "PerGB2018" }, ["retentionInDays"] = 30 },
            }));
            var vaultUri = $"https://{VaultName(i)}.vault.azure.net/";
            seeds.Add(Seed(sub, WorkspaceGroup, new JsonObject
            {
                ["type"] = "Microsoft.KeyVault/vaults",
                ["name"] = VaultName(i),
                ["location"] = Location,
                ["properties"] = new JsonObject
                {
                    ["tenantId"] = tenantId,
                    ["sku"] = new JsonObject { ["family"] = "A", ["name"] = "standard" },
                    ["vaultUri"] = vaultUri,
                    ["enableSoftDelete"] = true,
                    ["softDeleteRetentionInDays"] = 90,
                    ["enablePurgeProtection"] = true,
                    ["enableRbacAuthorization"] = true,
                    ["publicNetworkAccess"] = "Enabled",
                    ["provisioningState"] = "Succeeded",
                },
            }));
            seeds.Add(Seed(sub, WorkspaceGroup, new JsonObject
            {
                ["type"] = "Microsoft.KeyVault/vaults/keys",
                ["name"] = $"{VaultName(i)}/{KeyName}",
                ["properties"] = new JsonObject { ["kty"] = "RSA", ["keySize"] = 2048 },
            }));

            for (var k = 1; k <= spec.AccountsPerSubscription; k++)
                AddAccount(seeds, sub, GroupName((k - 1) % spec.ResourceGroupsPerSubscription + 1), i, k, tenantId, vaultUri, workspaceId);

            for (var j = 1; j <= spec.ResourceGroupsPerSubscription; j++)
            {
                var user = j % 4 == 0;
                var principal = Id(user ? 'a' : 'b', i, j);
                principals.Add(new ScenarioPrincipal
                {
                    Id = principal,
                    Type = user ? "User" : PrincipalDirectory.ServicePrincipal,
                    DisplayName = user ? $"fleet-user-{i:D3}-{j:D2}" : $"fleet-app-{i:D3}-{j:D2}",
                });
                assignments.Add(new RoleAssignment
                {
                    Name = Id('c', i, j),
                    Scope = $"/subscriptions/{sub}/resourceGroups/{GroupName(j)}",
                    RoleDefinitionId = user ? BuiltInRoles.Contributor : BuiltInRoles.CognitiveServicesOpenAIUser,
                    PrincipalId = principal,
                    PrincipalType = user ? "User" : PrincipalDirectory.ServicePrincipal,
                    CreatedOn = now,
                    UpdatedOn = now,
                });
            }
        }
        return new Generated(subscriptions, principals, seeds, assignments, spec.Subscriptions * spec.AccountsPerSubscription);
    }

    private static void AddAccount(List<SeedResource> seeds, string sub, string group, int i, int k, string tenantId, string vaultUri, string workspaceId)
    {
        var name = AccountName(i, k);
        var cmk = k % 10 == 0;
        var properties = new JsonObject
        {
            ["customSubDomainName"] = name,
            ["publicNetworkAccess"] = k % 2 == 0 ? "Enabled" : "Disabled",
        };
        if (k % 3 == 0)
            properties["disableLocalAuth"] = true;
        if (cmk)
            properties["encryption"] = new JsonObject
            {
                ["keySource"] = "Microsoft.KeyVault",
                ["keyVaultProperties"] = new JsonObject { ["keyVaultUri"] = vaultUri, ["keyName"] = KeyName },
            };
        var account = new JsonObject
        {
            ["type"] = "Microsoft.CognitiveServices/accounts",
            ["name"] = name,
            ["location"] = Location,
            ["kind"] = k % 5 == 0 ? "AIServices" : "OpenAI",
            ["sku"] = new JsonObject { ["name"] = "S0" },
        };
        if (k % 2 == 1 || cmk)
            account["identity"] = new JsonObject { ["type"] = "SystemAssigned", ["principalId"] = Id('d', i, k), ["tenantId"] = tenantId };
        account["properties"] = properties;
        var accountSeed = Seed(sub, group, account);
        seeds.Add(accountSeed);

        var customFilter = k % 3 == 0;
        if (customFilter)
            seeds.Add(Seed(sub, group, new JsonObject
            {
                ["type"] = "Microsoft.CognitiveServices/accounts/raiPolicies",
                ["name"] = $"{name}/{FilterName}",
                ["properties"] = new JsonObject
                {
                    ["basePolicyName"] = "Microsoft.DefaultV2",
                    ["mode"] = "Default",
                    ["contentFilters"] = new JsonArray([.. HarmFilters(), Filter("Jailbreak", "Prompt", severity: null)]),
                },
            }));
        seeds.Add(Deployment(sub, group, name, "gpt-4o", "2024-11-20", "Microsoft.DefaultV2"));
        seeds.Add(Deployment(sub, group, name, "gpt-4o-mini", "2024-07-18", customFilter ? FilterName : null));

        if (k % 2 == 0)
            seeds.Add(new SeedResource($"{accountSeed.Id}/providers/Microsoft.Insights/diagnosticSettings/to-law", sub, group,
                "Microsoft.Insights/diagnosticSettings", "to-law", new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["workspaceId"] = workspaceId,
                        ["logs"] = new JsonArray(new JsonObject { ["categoryGroup"] = "allLogs", ["enabled"] = true }),
                        ["metrics"] = new JsonArray(),
                    },
                }));
    }

    private static IEnumerable<JsonNode> HarmFilters() =>
        from source in new[] { "Prompt", "Completion" }
        from harm in new[] { "Hate", "Sexual", "Violence", "Selfharm" }
        select Filter(harm, source, "Medium");

    private static JsonNode Filter(string name, string source, string? severity)
    {
        var filter = new JsonObject { ["name"] = name, ["blocking"] = true, ["enabled"] = true };
        if (severity is not null)
            filter["severityThreshold"] = severity;
        filter["source"] = source;
        return filter;
    }

    private static SeedResource Deployment(string sub, string group, string account, string model, string version, string? policy)
    {
        var properties = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = model, ["version"] = version } };
        if (policy is not null)
            properties["raiPolicyName"] = policy;
        return Seed(sub, group, new JsonObject
        {
            ["type"] = "Microsoft.CognitiveServices/accounts/deployments",
            ["name"] = $"{account}/{model}",
            ["sku"] = new JsonObject { ["name"] = "Standard", ["capacity"] = 10 },
            ["properties"] = properties,
        });
    }

    private static SeedResource Seed(string sub, string group, JsonObject body) => SeedResource.From(sub, group, body);
}
