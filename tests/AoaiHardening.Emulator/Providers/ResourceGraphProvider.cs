using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Azure Resource Graph (arm-api.md §8): <c>POST /providers/Microsoft.ResourceGraph/resources</c> runs a query of the
/// <see cref="KqlQuery"/> subset over the stored resources, paged with <c>$top</c>/<c>$skip</c>/<c>$skipToken</c>, under
/// the per-user quota (<see cref="GraphQuota"/>) instead of ARM's subscription buckets.
/// </summary>
internal sealed class ResourceGraphProvider(EmulatorState state)
{
    private static readonly ArmApi Api = new("Microsoft.ResourceGraph", "resources", ["2021-03-01", "2022-10-01", "2024-04-01"]);
    private const int DefaultTop = 100;
    private const int MaxTop = 1000;

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/providers/Microsoft.ResourceGraph/resources", Query).WithMetadata(Api, new RateLimits.Exempt());

    private Task Query(HttpContext ctx)
    {
        // Every query counts, a refused one too: the quota is spent before the query is read.
        state.GraphQuota.Take(ctx, state.Config);
        var request = QueryRequest.Read(ctx);
        KqlQuery query;
        try
        {
            query = KqlQuery.Parse(request.Query);
        }
        catch (KqlException e)
        {
            throw ArmErrors.InvalidQuery(ctx, e.Message);
        }
        return state.ReplyAsync(ctx, () => Answer(ctx, request, query));
    }

    private ArmReply Answer(HttpContext ctx, QueryRequest request, KqlQuery query)
    {
        var tenant = state.Tenant;
        // A subscription the tenant does not have contributes nothing (a guess: Azure may refuse it without allowPartialScopes).
        var scope = (request.Subscriptions ?? tenant.Subscriptions.Select(s => s.SubscriptionId))
            .Where(s => tenant.FindSubscription(s) is not null)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fingerprint = Fingerprint(request);
        var offset = request.SkipToken is { } token ? Token.Offset(ctx, token, fingerprint) : request.Skip;

        var candidates = scope.Count <= 300 && query.TypeHint is { } type
            ? scope.SelectMany(s => state.Resources.Query(subscriptionId: s, type: type)).OrderBy(r => r.Seq)
            : state.Resources.Query(type: query.TypeHint).Where(r => scope.Contains(r.SubscriptionId));
        var rows = query.Run(candidates.Where(IsTracked).Select(r => (IKqlRow)new ResourceRow(r, state)));

        var page = rows.Skip(offset).Take(request.Top).ToList();
        var answer = new JsonObject
        {
            ["totalRecords"] = rows.Count,
            ["count"] = page.Count,
            ["resultTruncated"] = "false",
        };
        if (offset + page.Count < rows.Count)
            answer["$skipToken"] = Token.For(offset + page.Count, fingerprint);
        answer["data"] = new JsonArray([.. page.Select(row => (JsonNode)Project(row, query.Columns))]);
        answer["facets"] = new JsonArray();
        return new ArmReply(200, answer);
    }

    /// <summary>
    /// Rows of the resources table: resources in a resource group, top-level or nested; not extension resources
    /// (diagnostic settings: a second <c>/providers/</c> in the id), which Resource Graph keeps elsewhere or not at all.
    /// </summary>
    private static bool IsTracked(ArmResource r) =>
        r.Id.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase) == r.Id.LastIndexOf("/providers/", StringComparison.OrdinalIgnoreCase);

    private static JsonObject Project(IKqlRow row, IReadOnlyList<string> columns)
    {
        var json = new JsonObject();
        foreach (var column in columns)
            json[column] = row.Get(column)?.DeepClone();
        return json;
    }

    /// <summary>What a skip token is bound to: the query and the scope (a token is only good for the request that made it).</summary>
    private static string Fingerprint(QueryRequest request)
    {
        var scope = request.Subscriptions is null ? "*" : string.Join(",", request.Subscriptions.Select(s => s.ToLowerInvariant()).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Query}\n{scope}"))[..8]);
    }

    /// <summary>A row over a stored resource: id, name, type, group, subscription and tenant from the store; the rest from its rendering, made on first use.</summary>
    private sealed class ResourceRow(ArmResource resource, EmulatorState state) : IKqlRow
    {
        private JsonObject? rendered;

        public JsonNode? Get(string column) => column switch
        {
            "id" => resource.Id,
            "name" => resource.Id[(resource.Id.LastIndexOf('/') + 1)..],
            "type" => resource.Type.ToLowerInvariant(), // Resource Graph lower-cases types and group names
            "resourceGroup" => resource.ResourceGroup.ToLowerInvariant(),
            "subscriptionId" => resource.SubscriptionId,
            "tenantId" => state.TenantId,
            _ => (rendered ??= state.Resources.Render(resource))[column],
        };
    }

    /// <summary>The QueryRequest body, checked; refusals are Resource Graph's 400s.</summary>
    private sealed record QueryRequest(string Query, IReadOnlyList<string>? Subscriptions, int Top, int Skip, string? SkipToken)
    {
        public static QueryRequest Read(HttpContext ctx)
        {
            var body = RequestBody.RequireObject(ctx);
            if (body["managementGroups"] is JsonArray { Count: > 0 })
                throw Refused(ctx, "UnsupportedScope", "managementGroups scopes are not supported by the emulator: pass subscriptions, or neither for the whole tenant.");
            IReadOnlyList<string>? subscriptions = null;
            if (body["subscriptions"] is { } subs)
                subscriptions = subs is JsonArray list && list.All(s => s is JsonValue v && v.TryGetValue<string>(out _))
                    ? [.. list.Select(s => (string)s!)]
                    : throw Refused(ctx, "InvalidRequestContent", "subscriptions must be an array of subscription ids.");
            if (body["query"] is not JsonValue q || !q.TryGetValue<string>(out var query) || query.Trim().Length == 0)
                throw ArmErrors.InvalidQuery(ctx, "The query is missing or empty.");

            var options = body["options"] as JsonObject ?? new JsonObject();
            var top = Integer(ctx, options, "$top") ?? DefaultTop;
            if (top is < 1 or > MaxTop)
                throw ArmErrors.InvalidQuery(ctx, $"The $top value {top} is out of range: it must be between 1 and {MaxTop}.");
            var skip = Integer(ctx, options, "$skip") ?? 0;
            if (skip < 0)
                throw ArmErrors.InvalidQuery(ctx, $"The $skip value {skip} must not be negative.");
            var format = options.StringAt("resultFormat") ?? "objectArray";
            if (!format.Equals("objectArray", StringComparison.OrdinalIgnoreCase))
                throw Refused(ctx, "UnsupportedResultFormat", $"resultFormat '{format}' is not supported by the emulator: use objectArray.");
            return new QueryRequest(query, subscriptions, top, skip, options.StringAt("$skipToken") is { Length: > 0 } token ? token : null);
        }

        private static int? Integer(HttpContext ctx, JsonObject options, string name) => options[name] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var n) => n,
            var other => throw ArmErrors.InvalidQuery(ctx, $"The {name} value {other.ToJsonString()} is not a whole number."),
        };
    }

    private static ArmException Refused(HttpContext ctx, string code, string message) =>
        new(400, "BadRequest", ArmErrors.SupportMessage(ctx)) { Details = [(code, message)] };

    /// <summary>Opaque to clients: base64 of the next offset and the request's fingerprint.</summary>
    private static class Token
    {
        public static string For(int offset, string fingerprint) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{offset}:{fingerprint}"));

        public static int Offset(HttpContext ctx, string token, string fingerprint)
        {
            string[] parts;
            try
            {
                parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            }
            catch (FormatException)
            {
                parts = [];
            }
            if (parts.Length != 2 || !int.TryParse(parts[0], out var offset) || offset < 0)
                throw Refused(ctx, "InvalidSkipToken", $"The $skipToken '{token}' is not one this service issued.");
            if (parts[1] != fingerprint)
                throw Refused(ctx, "InvalidSkipToken",
                    "The $skipToken was issued for a different query or scope: send it with the same query and subscriptions that returned it.");
            return offset;
        }
    }
}
