using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AoaiHardening.Emulator.Core;

/// <summary>A scenario file could not be used; the message says which part and why.</summary>
public sealed class ScenarioException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The scenario file format (see README.md). Subscriptions and resource groups keep any extra ARM fields
/// (state, tags, managedBy, subscriptionPolicies…) and render them back; resources are kept as raw JSON.
/// </summary>
internal sealed record Scenario
{
    public const string DefaultTenantId = "00000000-0000-0000-0000-000000000000";

    public string TenantId { get; init; } = DefaultTenantId;
    public ConfigPatch? Config { get; init; }
    public List<ScenarioSubscription> Subscriptions { get; init; } = [];
    public List<ScenarioPrincipal> Principals { get; init; } = [];
    public List<ScenarioManagementGroup> ManagementGroups { get; init; } = [];
    public List<ScenarioRoleAssignment> RoleAssignments { get; init; } = [];

    public static Scenario Parse(string json)
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, HttpJson.Options);
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"Scenario is not valid: {e.Message}", e);
        }
        if (scenario is null)
            throw new ScenarioException("Scenario is empty (null).");
        scenario.Validate();
        return scenario;
    }

    /// <summary>The resources to store, with their ids; computed (and checked) by <see cref="Parse"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<SeedResource> Seeds { get; private set; } = [];

    /// <summary>The role assignments to store, resolved (canonical scope, role GUID, principal type); computed by <see cref="Parse"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<RoleAssignment> RoleAssignmentSeeds { get; private set; } = [];

    private void Validate()
    {
        if (!Guid.TryParse(TenantId, out _))
            throw new ScenarioException($"tenantId '{TenantId}' is not a GUID.");
        var subscriptionIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var resourceIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seeds = new List<SeedResource>();
        foreach (var sub in Subscriptions)
        {
            if (!Guid.TryParse(sub.SubscriptionId, out _) || !subscriptionIds.Add(sub.SubscriptionId))
                throw new ScenarioException($"subscriptionId '{sub.SubscriptionId}' is not a GUID or appears twice.");
            var groupNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var rg in sub.ResourceGroups)
            {
                if (!groupNames.Add(rg.Name))
                    throw new ScenarioException($"Resource group '{rg.Name}' appears twice in subscription '{sub.SubscriptionId}'.");
                foreach (var body in rg.Resources)
                {
                    var seed = SeedResource.From(sub.SubscriptionId, rg.Name, body);
                    if (!resourceIds.Add(seed.Id))
                        throw new ScenarioException($"Resource '{seed.Id}' appears twice.");
                    seeds.Add(seed);
                }
            }
        }
        Seeds = seeds;
        ValidatePrincipals();
        ValidateManagementGroups(subscriptionIds);
        RoleAssignmentSeeds = ResolveRoleAssignments();
    }

    private void ValidatePrincipals()
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in Principals)
        {
            if (!Guid.TryParse(p.Id, out _) || !ids.Add(p.Id))
                throw new ScenarioException($"principal id '{p.Id}' is not a GUID or appears twice.");
            if (ScenarioPrincipal.Canonical(p.Type) is null)
                throw new ScenarioException($"principal '{p.Id}' has type '{p.Type}'; expected User, Group or ServicePrincipal.");
        }
    }

    private void ValidateManagementGroups(HashSet<string> subscriptionIds)
    {
        var byName = new Dictionary<string, ScenarioManagementGroup>(StringComparer.OrdinalIgnoreCase);
        foreach (var mg in ManagementGroups)
            if (string.IsNullOrWhiteSpace(mg.Name) || mg.Name.Contains('/') || !byName.TryAdd(mg.Name, mg))
                throw new ScenarioException($"management group name '{mg.Name}' is empty, contains '/' or appears twice.");
        var placed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mg in ManagementGroups)
        {
            if (mg.Parent is not null && !byName.ContainsKey(mg.Parent))
                throw new ScenarioException($"management group '{mg.Name}' has parent '{mg.Parent}', which is not declared.");
            // Walking up must reach a group without a parent: a cycle would make "above" endless.
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var at = mg; at is not null; at = at.Parent is null ? null : byName[at.Parent])
                if (!seen.Add(at.Name))
                    throw new ScenarioException($"management group '{mg.Name}' is its own ancestor (parent cycle).");
            foreach (var sub in mg.Subscriptions)
            {
                if (!subscriptionIds.Contains(sub))
                    throw new ScenarioException($"management group '{mg.Name}' lists subscription '{sub}', which the scenario does not declare.");
                if (!placed.TryAdd(sub, mg.Name))
                    throw new ScenarioException($"subscription '{sub}' is in management groups '{placed[sub]}' and '{mg.Name}'; a subscription has one parent.");
            }
        }
    }

    /// <summary>The same checks a PUT makes, as scenario errors, and the assignments in their stored form.</summary>
    private List<RoleAssignment> ResolveRoleAssignments()
    {
        var tenant = Tenant.From(this);
        var resourceIds = Seeds.ToDictionary(s => s.Id, s => s.Id, StringComparer.OrdinalIgnoreCase);
        var resources = Seeds.Select(s => (s.Id, s.Type, s.Body)).ToList();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var triples = new HashSet<(string, string, string)>();
        var resolved = new List<RoleAssignment>();
        var loaded = DateTimeOffset.UtcNow;
        foreach (var ra in RoleAssignments)
        {
            var what = $"role assignment '{ra.Name}'";
            if (!Guid.TryParse(ra.Name, out var name) || !names.Add(name.ToString()))
                throw new ScenarioException($"{what}: the name is not a GUID or appears twice.");
            string scope;
            try
            {
                scope = (ArmScope.Parse(ra.Scope) ?? throw new ScenarioException(
                        $"{what}: scope '{ra.Scope}' is not '/', a management group, subscription, resource group or resource id."))
                    .Canonical(tenant, id => resourceIds.GetValueOrDefault(id));
            }
            catch (ArmException e)
            {
                throw new ScenarioException($"{what}: scope '{ra.Scope}' does not exist ({e.Message})", e);
            }
            var role = (Guid.TryParse(ra.RoleDefinitionId, out var bare) ? bare.ToString() : BuiltInRoles.ParseReference(ra.RoleDefinitionId))
                ?? throw new ScenarioException($"{what}: roleDefinitionId '{ra.RoleDefinitionId}' is neither a GUID nor a role definition id.");
            if (BuiltInRoles.Find(role) is null)
                throw new ScenarioException($"{what}: role definition '{role}' is not a built-in role the emulator knows.");
            if (!Guid.TryParse(ra.PrincipalId, out var principal))
                throw new ScenarioException($"{what}: principalId '{ra.PrincipalId}' is not a GUID.");
            var known = PrincipalDirectory.TypeOf(principal.ToString(), tenant, resources);
            var given = ra.PrincipalType is null ? null
                : PrincipalDirectory.PrincipalTypes.FirstOrDefault(t => t.Equals(ra.PrincipalType, StringComparison.OrdinalIgnoreCase))
                  ?? throw new ScenarioException($"{what}: principalType '{ra.PrincipalType}' is not one of {string.Join(", ", PrincipalDirectory.PrincipalTypes)}.");
            if (known is not null && given is not null && known != given)
                throw new ScenarioException($"{what}: principal '{principal}' is a {known} in the directory, not a {given}.");
            var type = known ?? given ?? throw new ScenarioException(
                $"{what}: principal '{principal}' is not in \"principals\" nor a managed identity; declare it or give a principalType.");
            if (!triples.Add((scope.ToLowerInvariant(), role, principal.ToString())))
                throw new ScenarioException($"{what}: the same role is already assigned to '{principal}' at '{scope}'.");
            resolved.Add(new RoleAssignment
            {
                Name = name.ToString(), Scope = scope, RoleDefinitionId = role, PrincipalId = principal.ToString(),
                PrincipalType = type, Description = ra.Description, CreatedOn = loaded, UpdatedOn = loaded,
            });
        }
        return resolved;
    }
}

/// <summary>A scenario resource with its ARM id (given as "id", or computed from type and name).</summary>
internal sealed record SeedResource(string Id, string SubscriptionId, string ResourceGroup, string Type, string Name, JsonObject Body)
{
    public static SeedResource From(string subscriptionId, string resourceGroup, JsonObject body)
    {
        if (body.StringAt("type") is not { Length: > 0 } type || body.StringAt("name") is not { Length: > 0 } name)
            throw new ScenarioException($"A resource in resource group '{resourceGroup}' has no \"type\" or \"name\": {body.ToJsonString()}");
        try
        {
            var id = body.StringAt("id") ?? ResourceIds.For(subscriptionId, resourceGroup, type, name);
            return new SeedResource(id, subscriptionId, resourceGroup, type, name, body);
        }
        catch (FormatException e)
        {
            throw new ScenarioException(e.Message, e);
        }
    }
}

internal sealed record ScenarioSubscription
{
    public required string SubscriptionId { get; init; }
    public string? DisplayName { get; init; }
    public List<ScenarioResourceGroup> ResourceGroups { get; init; } = [];

    /// <summary>Any other subscription fields (state, tags, subscriptionPolicies…), rendered as given.</summary>
    [JsonExtensionData]
    public JsonObject? Extra { get; init; }
}

internal sealed record ScenarioResourceGroup
{
    public required string Name { get; init; }
    public required string Location { get; init; }
    public List<JsonObject> Resources { get; init; } = [];

    /// <summary>Any other resource group fields (tags, managedBy…), rendered as given.</summary>
    [JsonExtensionData]
    public JsonObject? Extra { get; init; }
}

/// <summary>A directory object role assignments can name (users, groups, applications).</summary>
internal sealed record ScenarioPrincipal
{
    private static readonly string[] Types = ["User", "Group", PrincipalDirectory.ServicePrincipal];

    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? DisplayName { get; init; }

    /// <summary>The type in ARM's spelling, or null when it is not one a scenario may declare.</summary>
    public static string? Canonical(string? type) => Types.FirstOrDefault(t => t.Equals(type, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A management group: a scope above the subscriptions it lists (and, through <see cref="Parent"/>, above its parent's).</summary>
internal sealed record ScenarioManagementGroup
{
    public required string Name { get; init; }
    public string? DisplayName { get; init; }
    public string? Parent { get; init; }
    public List<string> Subscriptions { get; init; } = [];
}

/// <summary>A role assignment as a scenario writes it: the role as a GUID or a role definition id.</summary>
internal sealed record ScenarioRoleAssignment
{
    public required string Name { get; init; }
    public required string Scope { get; init; }
    public required string RoleDefinitionId { get; init; }
    public required string PrincipalId { get; init; }
    public string? PrincipalType { get; init; }
    public string? Description { get; init; }
}
