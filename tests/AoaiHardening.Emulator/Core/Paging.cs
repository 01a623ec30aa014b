using System.Globalization;
using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>ARM list paging: <c>{"value":[…],"nextLink":"…"}</c>, nextLink absent on the last page.</summary>
internal static class Paging
{
    private const string SkipToken = "$skipToken";

    /// <summary>
    /// The page of <paramref name="items"/> the request's $skipToken points at. The token is an offset here;
    /// clients must treat it as opaque and follow nextLink verbatim, which is what this checks.
    /// </summary>
    public static ArmReply Page(HttpContext ctx, IReadOnlyList<JsonNode> items, int pageSize)
    {
        var skip = 0;
        var token = ctx.Request.Query[SkipToken].ToString();
        if (token.Length > 0 && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip > items.Count))
            throw ArmErrors.BadRequest("InvalidSkipToken", $"The skip token '{token}' is invalid.");

        var page = new JsonObject { ["value"] = new JsonArray(items.Skip(skip).Take(pageSize).Select(i => i.DeepClone()).ToArray()) };
        if (skip + pageSize < items.Count)
            page["nextLink"] = NextLink(ctx, skip + pageSize);
        return new ArmReply(200, page);
    }

    /// <summary>The request's own absolute URL, same query (api-version included), with the next $skipToken.</summary>
    private static string NextLink(HttpContext ctx, int skip)
    {
        var query = ctx.Request.Query
            .Where(q => !q.Key.Equals(SkipToken, StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"{SkipToken}={skip}");
        return $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}{ctx.Request.Path}?{string.Join("&", query)}";
    }
}
