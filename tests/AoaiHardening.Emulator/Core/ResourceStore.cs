using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// One stored resource: the JSON body as it was given (unknown fields included) plus the server-owned facts
/// that ARM computes. Read-only fields are filled when the resource is rendered, never trusted from a client.
/// </summary>
internal sealed class ArmResource
{
    private static long lastEtagTicks;

    public ArmResource(string id, string subscriptionId, string resourceGroup, string type, string name, JsonObject body)
    {
        (Id, SubscriptionId, ResourceGroup, Type, Name, Body) = (id, subscriptionId, resourceGroup, type, name, body);
        ProvisioningState = body["properties"].StringAt("provisioningState");
        Touch();
    }

    public string Id { get; }
    public string SubscriptionId { get; }
    public string ResourceGroup { get; }
    public string Type { get; }
    public string Name { get; }

    /// <summary>Creation order, so lists come back in a stable order.</summary>
    public long Seq { get; init; }

    public JsonObject Body { get; set; }

    /// <summary>Null when the type does not track one (shown as given); set by every write.</summary>
    public string? ProvisioningState { get; set; }

    public string ETag { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public string InternalId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Access keys for types that have them; lazily created, never rendered into the body.</summary>
    public ApiKeys? Keys { get; set; }

    /// <summary>The latest write's operation: only it may settle the resource (an older one finishing late must not).</summary>
    public string? CurrentOperationId { get; set; }

    /// <summary>
    /// New weak etag in the CognitiveServices format <c>W/"datetime'2017-04-10T04%3A42%3A19.7067387Z'"</c>.
    /// Strictly increasing, so two writes within one clock tick still get different etags.
    /// </summary>
    public void Touch()
    {
        long ticks, last;
        do
        {
            last = Interlocked.Read(ref lastEtagTicks);
            ticks = Math.Max(DateTime.UtcNow.Ticks, last + 1);
        } while (Interlocked.CompareExchange(ref lastEtagTicks, ticks, last) != last);
        var time = new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        ETag = $"W/\"datetime'{Uri.EscapeDataString(time)}'\"";
    }
}

internal sealed record ApiKeys(string Key1, string Key2)
{
    public static string NewKey() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    public static ApiKeys New() => new(NewKey(), NewKey());
}

internal static class ResourceIds
{
    /// <summary>
    /// ARM id for a resource in a resource group. Nested types interleave type and name segments:
    /// type <c>Microsoft.CognitiveServices/accounts/deployments</c> + name <c>acct/gpt</c> →
    /// <c>.../providers/Microsoft.CognitiveServices/accounts/acct/deployments/gpt</c>.
    /// </summary>
    public static string For(string subscriptionId, string resourceGroup, string type, string name)
    {
        var types = type.Split('/');
        var names = name.Split('/');
        if (types.Length < 2 || names.Length != types.Length - 1)
            throw new FormatException($"Resource type '{type}' and name '{name}' do not form an ARM id (one name segment per type segment).");
        var path = types[0];
        for (var i = 0; i < names.Length; i++)
            path += $"/{types[i + 1]}/{names[i]}";
        return $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/{path}";
    }
}

/// <summary>
/// All stored resources, keyed by id case-insensitively (ARM ids are). Not thread-safe by itself:
/// callers hold <see cref="EmulatorState.Gate"/>, because a write reads, changes and starts an operation in one step.
/// </summary>
internal sealed class ResourceStore
{
    private readonly Dictionary<string, ArmResource> byId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Action<JsonObject, ArmResource>> views = new(StringComparer.OrdinalIgnoreCase);
    private long seq;

    /// <summary>Lets a provider fill its type's computed read-only fields (e.g. an account's endpoint) on every render.</summary>
    public void RegisterView(string type, Action<JsonObject, ArmResource> fill) => views[type] = fill;

    public ArmResource? Find(string id) => byId.GetValueOrDefault(id.TrimEnd('/'));

    public ArmResource Add(string id, string subscriptionId, string resourceGroup, string type, string name, JsonObject body)
    {
        if (byId.ContainsKey(id))
            throw new InvalidOperationException($"Resource '{id}' already exists.");
        var resource = new ArmResource(id, subscriptionId, resourceGroup, type, name, body) { Seq = ++seq };
        byId[id] = resource;
        return resource;
    }

    public bool Remove(ArmResource resource) => byId.Remove(resource.Id);

    public void Clear() => byId.Clear();

    public IEnumerable<ArmResource> Query(string? subscriptionId = null, string? resourceGroup = null, string? type = null) =>
        byId.Values
            .Where(r => subscriptionId is null || r.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase))
            .Where(r => resourceGroup is null || r.ResourceGroup.Equals(resourceGroup, StringComparison.OrdinalIgnoreCase))
            .Where(r => type is null || r.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
            .OrderBy(r => r.Seq);

    /// <summary>The resource as GET returns it: id, name, type first, the stored body, etag, then type-specific fields.</summary>
    public JsonObject Render(ArmResource r)
    {
        var json = new JsonObject { ["id"] = r.Id, ["name"] = r.Name, ["type"] = r.Type };
        foreach (var (key, value) in r.Body)
        {
            if (key is "id" or "name" or "type" or "etag")
                continue;
            if (key == "properties")
                json["etag"] = r.ETag; // where ARM puts it: just before properties
            json[key] = value?.DeepClone();
        }
        json["etag"] = r.ETag;
        if (r.ProvisioningState is not null)
            json.ObjectAt("properties")["provisioningState"] = r.ProvisioningState;
        views.GetValueOrDefault(r.Type)?.Invoke(json, r);
        return json;
    }
}
