using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Account RAI blocklists and their items (arm-api.md §1.1, §1.4): synchronous writes, location-style deletes, and the
/// two batch calls. Items are child resources of their blocklist, so deleting the blocklist (or the account) deletes them.
/// A blocklist a custom policy references cannot be deleted.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string RaiBlocklistType = AccountType + "/raiBlocklists";
    public const string RaiBlocklistItemType = RaiBlocklistType + "/raiBlocklistItems";

    private const int MaxPatternLength = 1000;
    private const int MaxBatchItems = 100;

    private static readonly ArmApi RaiBlocklistsApi = new(Namespace, "accounts/raiBlocklists", Versions);

    private void RegisterRaiBlocklists()
    {
        RegisterChild(RaiBlocklistType);
        RegisterChild(RaiBlocklistItemType);
    }

    private void MapRaiBlocklists(RouteGroupBuilder accounts)
    {
        var blocklists = accounts.MapGroup("/{accountName}/raiBlocklists").WithMetadata(RaiBlocklistsApi);
        blocklists.MapGet("", ctx => state.ReplyAsync(ctx, () => ListChildren(ctx, Find(ctx), RaiBlocklistType)));
        blocklists.MapGet("/{raiBlocklistName}", ctx => state.ReplyAsync(ctx, () => new ArmReply(200, state.Resources.Render(FindBlocklist(ctx)))));
        blocklists.MapPut("/{raiBlocklistName}", ctx => state.ReplyAsync(ctx, () => PutBlocklist(ctx)));
        blocklists.MapDelete("/{raiBlocklistName}", ctx => state.ReplyAsync(ctx, () => DeleteBlocklist(ctx)));

        blocklists.MapGet("/{raiBlocklistName}/raiBlocklistItems", ctx => state.ReplyAsync(ctx, () => ListChildren(ctx, FindBlocklist(ctx), RaiBlocklistItemType)));
        blocklists.MapGet("/{raiBlocklistName}/raiBlocklistItems/{raiBlocklistItemName}", ctx => state.ReplyAsync(ctx, () =>
            new ArmReply(200, state.Resources.Render(FindChild(FindBlocklist(ctx), "raiBlocklistItems", Route(ctx, "raiBlocklistItemName"), RaiBlocklistItemType)))));
        blocklists.MapPut("/{raiBlocklistName}/raiBlocklistItems/{raiBlocklistItemName}", ctx => state.ReplyAsync(ctx, () => PutBlocklistItem(ctx)));
        blocklists.MapDelete("/{raiBlocklistName}/raiBlocklistItems/{raiBlocklistItemName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var blocklist = FindBlocklist(ctx);
            var item = TryFindChild(blocklist, "raiBlocklistItems", Route(ctx, "raiBlocklistItemName"), RaiBlocklistItemType);
            return DeleteChild(ctx, Find(ctx), item, LroHeaders.Location);
        }));
        blocklists.MapPost("/{raiBlocklistName}/addRaiBlocklistItems", ctx => state.ReplyAsync(ctx, () => AddItems(ctx)));
        blocklists.MapPost("/{raiBlocklistName}/deleteRaiBlocklistItems", ctx => state.ReplyAsync(ctx, () => DeleteItems(ctx)));
    }

    /// <summary>RaiBlocklists_CreateOrUpdate: 201 new, 200 replaced; the body (description, unknown fields) as given.</summary>
    private ArmReply PutBlocklist(HttpContext ctx)
    {
        var account = Find(ctx);
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ChildReadOnlyPaths);
        if (body.ContainsKey("properties") && body["properties"] is not JsonObject)
            throw ArmErrors.BadRequest("InvalidResourceProperties", "The blocklist's properties must be an object ({\"description\": …}).");
        var (resource, created) = Upsert(account, "raiBlocklists", RaiBlocklistType, Route(ctx, "raiBlocklistName"), body);
        return new ArmReply(created ? 201 : 200, state.Resources.Render(resource));
    }

    /// <summary>202 + Location; 204 when absent; 409 while a custom policy's customBlocklists names it.</summary>
    private ArmReply DeleteBlocklist(HttpContext ctx)
    {
        var account = Find(ctx);
        var blocklist = TryFindChild(account, "raiBlocklists", Route(ctx, "raiBlocklistName"), RaiBlocklistType);
        if (blocklist is not null)
        {
            var users = state.Resources.Children(account, RaiPolicyType)
                .Where(p => (p.Body["properties"]?["customBlocklists"] as JsonArray ?? [])
                    .Any(b => Is(b.StringAt("blocklistName"), ShortName(blocklist))))
                .Select(ShortName).ToList();
            if (users.Count > 0)
                throw new ArmException(409, "RaiBlocklistInUse",
                    $"The blocklist '{ShortName(blocklist)}' is used by RAI policy(ies) {string.Join(", ", users.Select(u => $"'{u}'"))}; remove it from them first.");
        }
        return DeleteChild(ctx, account, blocklist, LroHeaders.Location);
    }

    private ArmReply PutBlocklistItem(HttpContext ctx)
    {
        var blocklist = FindBlocklist(ctx);
        var body = ItemBody(RequestBody.RequireObject(ctx), "The blocklist item");
        var (item, created) = Upsert(blocklist, "raiBlocklistItems", RaiBlocklistItemType, Route(ctx, "raiBlocklistItemName"), body);
        return new ArmReply(created ? 201 : 200, state.Resources.Render(item));
    }

    /// <summary>
    /// RaiBlocklistItems_BatchAdd: <c>[{name, properties:{pattern, isRegex}}]</c>, at most 100. Every item is checked before
    /// any is stored, so a refused batch changes nothing. 200 with the blocklist.
    /// </summary>
    private ArmReply AddItems(HttpContext ctx)
    {
        var blocklist = FindBlocklist(ctx);
        var items = RequestBody.RequireArray(ctx);
        if (items.Count > MaxBatchItems)
            throw ArmErrors.BadRequest("TooManyRaiBlocklistItems", $"A batch may add at most {MaxBatchItems} items; this one has {items.Count}.");
        var checkedItems = new List<(string Name, JsonObject Body)>();
        for (var i = 0; i < items.Count; i++)
        {
            var entry = items[i] as JsonObject ?? throw ArmErrors.BadRequest("InvalidResourceProperties", $"Item [{i}] must be an object.");
            var name = entry.StringAt("name");
            if (string.IsNullOrWhiteSpace(name) || name.Contains('/'))
                throw ArmErrors.BadRequest("InvalidResourceProperties", $"Item [{i}] needs a name (without '/').");
            checkedItems.Add((name, ItemBody(entry, $"Item [{i}] ('{name}')")));
        }
        foreach (var (name, body) in checkedItems)
            Upsert(blocklist, "raiBlocklistItems", RaiBlocklistItemType, name, body);
        blocklist.Touch();
        return new ArmReply(200, state.Resources.Render(blocklist));
    }

    /// <summary>RaiBlocklistItems_BatchDelete: <c>["item1", …]</c>; names that are not items are ignored. 204.</summary>
    private ArmReply DeleteItems(HttpContext ctx)
    {
        var blocklist = FindBlocklist(ctx);
        var names = RequestBody.RequireArray(ctx);
        if (names.Any(n => n is not JsonValue v || !v.TryGetValue<string>(out _)))
            throw ArmErrors.InvalidRequestContent("The body must be an array of item names.");
        foreach (var name in names.Select(n => n!.GetValue<string>()))
            if (TryFindChild(blocklist, "raiBlocklistItems", name, RaiBlocklistItemType) is { } item)
                state.Resources.Remove(item);
        return new ArmReply(204);
    }

    /// <summary>
    /// An item body as stored: <c>properties.pattern</c> required, at most 1000 characters; <c>isRegex</c> a boolean, and
    /// then the pattern must compile as a .NET regular expression. The body is kept otherwise as given.
    /// </summary>
    private static JsonObject ItemBody(JsonObject given, string what)
    {
        var body = ((JsonObject)given.DeepClone()).Without(ChildReadOnlyPaths);
        var properties = body["properties"] as JsonObject;
        var pattern = properties.StringAt("pattern");
        if (string.IsNullOrEmpty(pattern))
            throw ArmErrors.BadRequest("InvalidResourceProperties", $"{what}: properties.pattern is required.");
        if (pattern.Length > MaxPatternLength)
            throw ArmErrors.BadRequest("InvalidResourceProperties", $"{what}: properties.pattern has {pattern.Length} characters; at most {MaxPatternLength} are allowed.");
        var isRegex = false;
        if (properties!["isRegex"] is { } flag && (flag is not JsonValue v || !v.TryGetValue(out isRegex)))
            throw ArmErrors.BadRequest("InvalidResourceProperties", $"{what}: properties.isRegex must be true or false.");
        if (isRegex)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw ArmErrors.BadRequest("InvalidRegexPattern", $"{what}: the pattern is not a valid regular expression: {e.Message}");
            }
        }
        return body;
    }

    private ArmResource FindBlocklist(HttpContext ctx) => FindChild(Find(ctx), "raiBlocklists", Route(ctx, "raiBlocklistName"), RaiBlocklistType);

    /// <summary>A blocklist's items as (pattern, isRegex), for the data plane. Caller holds the gate.</summary>
    internal static IReadOnlyList<(string Pattern, bool IsRegex)> BlocklistItems(ResourceStore store, ArmResource account, string blocklistName) =>
        store.Find($"{account.Id}/raiBlocklists/{blocklistName}", RaiBlocklistType) is { } blocklist
            ? store.Children(blocklist, RaiBlocklistItemType)
                .Select(i => (Pattern: i.Body["properties"].StringAt("pattern") ?? "",
                    IsRegex: i.Body["properties"]?["isRegex"] is JsonValue v && v.TryGetValue<bool>(out var r) && r))
                .Where(i => i.Pattern.Length > 0).ToList()
            : [];
}
