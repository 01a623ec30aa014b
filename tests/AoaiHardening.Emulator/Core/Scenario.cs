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
