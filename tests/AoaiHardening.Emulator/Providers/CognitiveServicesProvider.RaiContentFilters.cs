using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// The location-scoped content filter catalogue (RaiContentFilters_List/Get): the names a policy's contentFilters may use.
/// Same nine entries in every location, shaped like GetRaiContentFilter.json.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string RaiContentFilterType = Namespace + "/locations/raiContentFilters";

    /// <summary>
    /// arm-api.md §1.4's table: resource name, the name policies use, multi-level (takes a severityThreshold), source. The
    /// four harm filters apply to both sources; the catalogue's single <c>source</c> field shows Prompt for them (a guess).
    /// </summary>
    internal static readonly (string Resource, string Name, bool MultiLevel, string Source)[] ContentFilterCatalogue =
    [
        ("Hate", "Hate", true, "Prompt"),
        ("Sexual", "Sexual", true, "Prompt"),
        ("Violence", "Violence", true, "Prompt"),
        ("Selfharm", "Selfharm", true, "Prompt"),
        ("Jailbreak", "Jailbreak", false, "Prompt"),
        ("ProtectedMaterialText", "Protected Material Text", false, "Completion"),
        ("ProtectedMaterialCode", "Protected Material Code", false, "Completion"),
        ("Profanity", "Profanity", false, "Prompt"),
        ("IndirectAttack", "Indirect Attack", false, "Prompt"),
    ];

    private void MapRaiContentFilters(RouteGroupBuilder subscription)
    {
        var filters = subscription.MapGroup("/locations/{location}/raiContentFilters").WithMetadata(Locations);
        filters.MapGet("", ctx => state.ReplyAsync(ctx, () =>
            Paging.Page(ctx, [.. ContentFilterCatalogue.Select(f => (JsonNode)ContentFilter(ctx, f))], state.Config.PageSize)));
        filters.MapGet("/{filterName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var name = Route(ctx, "filterName");
            var filter = ContentFilterCatalogue.FirstOrDefault(f => Is(f.Resource, name));
            return filter.Resource is null
                ? throw new ArmException(404, "ResourceNotFound", $"The content filter '{name}' does not exist in location '{Route(ctx, "location")}'.")
                : new ArmReply(200, ContentFilter(ctx, filter));
        }));
    }

    private static JsonObject ContentFilter(HttpContext ctx, (string Resource, string Name, bool MultiLevel, string Source) filter) => new()
    {
        ["id"] = $"/subscriptions/{Route(ctx, ArmPipeline.SubscriptionId)}/providers/{Namespace}/locations/{Route(ctx, "location")}/raiContentFilters/{filter.Resource}",
        ["type"] = RaiContentFilterType,
        ["name"] = filter.Resource,
        ["properties"] = new JsonObject { ["name"] = filter.Name, ["isMultiLevelFilter"] = filter.MultiLevel, ["source"] = filter.Source },
    };
}
