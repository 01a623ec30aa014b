using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>How a resource type spells its etag; each resource provider has its own.</summary>
internal enum EtagStyle
{
    /// <summary>CognitiveServices: <c>W/"datetime'2017-04-10T04%3A42%3A19.7067387Z'"</c>.</summary>
    DateTime,
    /// <summary>Microsoft.Network: <c>W/"00000000-0000-0000-0000-000000000000"</c>.</summary>
    WeakGuid,
    /// <summary>Private DNS: a bare GUID, <c>00000000-0000-0000-0000-000000000000</c>.</summary>
    Guid,
    /// <summary>CognitiveServices account children (deployments, RAI policies, blocklists): <c>"00000000-0000-0000-0000-000000000000"</c>.</summary>
    QuotedGuid,
}

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

    /// <summary>The etag spelling of the type; the store sets it (and renews the etag) when the resource is added.</summary>
    public EtagStyle EtagStyle { get; set; }

    /// <summary>
    /// Server-owned facts a provider keeps beside the body (an allocated private IP, the records a zone group wrote…):
    /// never taken from a client, never rendered as such.
    /// </summary>
    public JsonObject Facts { get; } = new();
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public string InternalId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Access keys for types that have them; lazily created, never rendered into the body.</summary>
    public ApiKeys? Keys { get; set; }

    /// <summary>The latest write's operation: only it may settle the resource (an older one finishing late must not).</summary>
    public string? CurrentOperationId { get; set; }

    /// <summary>
    /// New etag in the type's <see cref="EtagStyle"/>. The CognitiveServices form is strictly increasing, so two writes
    /// within one clock tick still get different etags; the GUID forms differ by construction.
    /// </summary>
    public void Touch()
    {
        if (EtagStyle != EtagStyle.DateTime)
        {
            var guid = System.Guid.NewGuid().ToString();
            ETag = EtagStyle switch
            {
                EtagStyle.WeakGuid => $"W/\"{guid}\"",
                EtagStyle.QuotedGuid => $"\"{guid}\"",
                _ => guid,
            };
            return;
        }
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
/// Indexed by id prefix, type, (subscription, type) and (subscription, resource group), so a request against a fleet of
/// tens of thousands of resources costs what its answer costs, not a scan of the store (every request holds the Gate).
/// </summary>
internal sealed class ResourceStore
{
    private readonly Dictionary<string, ArmResource> byId = new(StringComparer.OrdinalIgnoreCase);

    // Ids in case-insensitive order: the ids under a parent (its id + "/…") are one contiguous range.
    private readonly SortedSet<string> orderedIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly SortedDictionary<long, ArmResource> all = [];
    private readonly Dictionary<string, SortedDictionary<long, ArmResource>> byType = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SortedDictionary<long, ArmResource>> bySubscriptionType = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SortedDictionary<long, ArmResource>> byGroup = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Action<JsonObject, ArmResource>> views = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, EtagStyle> etagStyles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Action<ArmResource>> removeHooks = new(StringComparer.OrdinalIgnoreCase);
    private long seq;

    /// <summary>Lets a provider fill its type's computed read-only fields (e.g. an account's endpoint) on every render.</summary>
    public void RegisterView(string type, Action<JsonObject, ArmResource> fill) => views[type] = fill;

    public void RegisterEtagStyle(string type, EtagStyle style) => etagStyles[type] = style;

    /// <summary>
    /// Lets a provider undo what a resource caused elsewhere when it goes (a private endpoint's connection on the
    /// account, the DNS records a zone group wrote). Runs after the resource has left the store.
    /// </summary>
    public void RegisterRemoveHook(string type, Action<ArmResource> hook) => removeHooks[type] = hook;

    public ArmResource? Find(string id) => byId.GetValueOrDefault(id.TrimEnd('/'));

    public int Count => byId.Count;

    public ArmResource Add(string id, string subscriptionId, string resourceGroup, string type, string name, JsonObject body)
    {
        if (byId.ContainsKey(id))
            throw new InvalidOperationException($"Resource '{id}' already exists.");
        var resource = new ArmResource(id, subscriptionId, resourceGroup, type, name, body) { Seq = ++seq };
        if (etagStyles.TryGetValue(type, out var style))
        {
            resource.EtagStyle = style;
            resource.Touch();
        }
        byId[id] = resource;
        orderedIds.Add(id);
        all[resource.Seq] = resource;
        Bucket(byType, type).Add(resource.Seq, resource);
        Bucket(bySubscriptionType, Key(subscriptionId, type)).Add(resource.Seq, resource);
        Bucket(byGroup, Key(subscriptionId, resourceGroup)).Add(resource.Seq, resource);
        return resource;
    }

    /// <summary>
    /// Removes the resource and, as ARM does, every resource nested under it (deepest first), running their remove hooks.
    /// </summary>
    public void Remove(ArmResource resource)
    {
        foreach (var child in Descendants(resource).OrderByDescending(c => c.Id.Length).ToList())
            RemoveOne(child);
        RemoveOne(resource);
    }

    private void RemoveOne(ArmResource resource)
    {
        if (!byId.Remove(resource.Id))
            return;
        orderedIds.Remove(resource.Id);
        all.Remove(resource.Seq);
        Unindex(byType, resource.Type, resource);
        Unindex(bySubscriptionType, Key(resource.SubscriptionId, resource.Type), resource);
        Unindex(byGroup, Key(resource.SubscriptionId, resource.ResourceGroup), resource);
        removeHooks.GetValueOrDefault(resource.Type)?.Invoke(resource);
    }

    /// <summary>Resources nested under <paramref name="parent"/> (their ids continue its id), any depth, in creation order.</summary>
    public IReadOnlyList<ArmResource> Descendants(ArmResource parent)
    {
        // '0' follows '/': the range [id/, id0] holds every id starting with "id/" (and at most "id0" itself, filtered out).
        var prefix = parent.Id + "/";
        return orderedIds.GetViewBetween(prefix, parent.Id + "0")
            .Where(id => id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(id => byId[id])
            .OrderBy(r => r.Seq)
            .ToList();
    }

    /// <summary>The direct children of <paramref name="parent"/> of one type (e.g. a virtual network's subnets), in creation order.</summary>
    public IReadOnlyList<ArmResource> Children(ArmResource parent, string childType) =>
        Descendants(parent).Where(r => r.Type.Equals(childType, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The resource with this id if it has this type (case-insensitive), else null.</summary>
    public ArmResource? Find(string? id, string type) =>
        id is not null && Find(id) is { } r && r.Type.Equals(type, StringComparison.OrdinalIgnoreCase) ? r : null;

    public void Clear()
    {
        byId.Clear();
        orderedIds.Clear();
        all.Clear();
        byType.Clear();
        bySubscriptionType.Clear();
        byGroup.Clear();
    }

    /// <summary>The resources matching every filter given, in creation order; answered from the narrowest index.</summary>
    public IReadOnlyList<ArmResource> Query(string? subscriptionId = null, string? resourceGroup = null, string? type = null)
    {
        IEnumerable<ArmResource> candidates =
            subscriptionId is not null && type is not null ? Indexed(bySubscriptionType, Key(subscriptionId, type))
            : subscriptionId is not null && resourceGroup is not null ? Indexed(byGroup, Key(subscriptionId, resourceGroup))
            : type is not null ? Indexed(byType, type)
            : all.Values;
        return candidates
            .Where(r => subscriptionId is null || r.SubscriptionId.Equals(subscriptionId, StringComparison.OrdinalIgnoreCase))
            .Where(r => resourceGroup is null || r.ResourceGroup.Equals(resourceGroup, StringComparison.OrdinalIgnoreCase))
            .Where(r => type is null || r.Type.Equals(type, StringComparison.OrdinalIgnoreCase))
            .ToList();
    }

    private static string Key(string a, string b) => $"{a}\n{b}";

    private static SortedDictionary<long, ArmResource> Bucket(Dictionary<string, SortedDictionary<long, ArmResource>> index, string key)
    {
        if (!index.TryGetValue(key, out var bucket))
            index[key] = bucket = [];
        return bucket;
    }

    private static IEnumerable<ArmResource> Indexed(Dictionary<string, SortedDictionary<long, ArmResource>> index, string key) =>
        index.TryGetValue(key, out var bucket) ? bucket.Values : [];

    private static void Unindex(Dictionary<string, SortedDictionary<long, ArmResource>> index, string key, ArmResource resource)
    {
        if (index.TryGetValue(key, out var bucket) && bucket.Remove(resource.Seq) && bucket.Count == 0)
            index.Remove(key);
    }

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
