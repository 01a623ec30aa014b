using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Insights (arm-api.md §4): resource-scoped diagnostic settings and their categories (2021-05-01-preview,
/// synchronous, unwrapped error body), and resource-group scheduled query rules (2023-12-01, in the other part).
/// </summary>
internal sealed partial class InsightsProvider
{
    public const string Namespace = "Microsoft.Insights";
    public const string DiagnosticSettingType = Namespace + "/diagnosticSettings";
    public const int MaxSettingsPerResource = 5;

    private static readonly string[] DiagnosticVersions = ["2021-05-01-preview"];
    private static readonly ArmApi DiagnosticSettingsApi = new(Namespace, "diagnosticSettings", DiagnosticVersions);
    private static readonly ArmApi CategoriesApi = new(Namespace, "diagnosticSettingsCategories", DiagnosticVersions);

    private static readonly string[] DestinationFields = ["workspaceId", "storageAccountId", "eventHubAuthorizationRuleId", "marketplacePartnerId"];

    /// <summary>A diagnostic category of a resource type: name, Logs or Metrics, and the groups a log category is in.</summary>
    internal sealed record Category(string Name, string CategoryType, string[] Groups);

    /// <summary>
    /// Microsoft.CognitiveServices/accounts (Learn "Supported logs for Microsoft.CognitiveServices/accounts"). The group
    /// membership (allLogs: every log category; audit: Audit only) is an assumption: the docs do not print it.
    /// </summary>
    internal static readonly Category[] AccountCategories =
    [
        new("Audit", "Logs", ["allLogs", "audit"]),
        new("RequestResponse", "Logs", ["allLogs"]),
        new("Trace", "Logs", ["allLogs"]),
        new("AzureOpenAIRequestUsage", "Logs", ["allLogs"]),
        new("AllMetrics", "Metrics", []),
    ];

    private readonly EmulatorState state;

    public InsightsProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterView(DiagnosticSettingType, (json, _) => json.Remove("etag")); // the examples carry none
        RegisterScheduledQueryRules();
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        // {resourceUri} is a resource id in a resource group, one to three nested types deep.
        var group = $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{{ns}}";
        foreach (var target in new[] { "/{t1}/{n1}", "/{t1}/{n1}/{t2}/{n2}", "/{t1}/{n1}/{t2}/{n2}/{t3}/{n3}" })
        {
            var settings = $"{group}{target}/providers/{Namespace}/diagnosticSettings";
            routes.MapGet(settings, ctx => state.ReplyAsync(ctx, () => ListSettings(ctx))).WithMetadata(DiagnosticSettingsApi);
            routes.MapGet(settings + "/{settingName}", ctx => state.ReplyAsync(ctx, () => GetSetting(ctx))).WithMetadata(DiagnosticSettingsApi);
            routes.MapPut(settings + "/{settingName}", ctx => state.ReplyAsync(ctx, () => PutSetting(ctx))).WithMetadata(DiagnosticSettingsApi);
            routes.MapDelete(settings + "/{settingName}", ctx => state.ReplyAsync(ctx, () => DeleteSetting(ctx))).WithMetadata(DiagnosticSettingsApi);
            var categories = $"{group}{target}/providers/{Namespace}/diagnosticSettingsCategories";
            routes.MapGet(categories, ctx => state.ReplyAsync(ctx, () => ListCategories(ctx))).WithMetadata(CategoriesApi);
            routes.MapGet(categories + "/{categoryName}", ctx => state.ReplyAsync(ctx, () => GetCategory(ctx))).WithMetadata(CategoriesApi);
        }
        MapScheduledQueryRules(routes);
    }

    // ---------------------------------------------------------------- diagnostic settings

    /// <summary>The target resource: the path before <c>/providers/Microsoft.Insights/</c>; 404 (ARM's, wrapped) when absent.</summary>
    private ArmResource Target(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        var at = path.LastIndexOf($"/providers/{Namespace}/", StringComparison.OrdinalIgnoreCase);
        var id = path[..at];
        if (state.Resources.Find(id) is { } target)
            return target;
        var providers = id.IndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        var typeAndName = id[(providers + "/providers/".Length)..];
        throw ArmErrors.ResourceNotFound(typeAndName, Route(ctx, ArmPipeline.ResourceGroupName));
    }

    private static string SettingId(ArmResource target, string name) => $"{target.Id}/providers/{DiagnosticSettingType}/{name}";

    private ArmResource? TryFindSetting(ArmResource target, string name) => state.Resources.Find(SettingId(target, name), DiagnosticSettingType);

    private IEnumerable<ArmResource> Settings(ArmResource target) =>
        state.Resources.Descendants(target).Where(r => r.Type.Equals(DiagnosticSettingType, StringComparison.OrdinalIgnoreCase)
            && Is(r.Id, SettingId(target, r.Name)));

    /// <summary>Single page, no nextLink (x-ms-pageable nextLinkName null).</summary>
    private ArmReply ListSettings(HttpContext ctx) =>
        new(200, new JsonObject { ["value"] = new JsonArray(Settings(Target(ctx)).Select(s => (JsonNode)state.Resources.Render(s)).ToArray()) });

    private ArmReply GetSetting(HttpContext ctx)
    {
        var target = Target(ctx);
        var name = Route(ctx, "settingName");
        return new ArmReply(200, state.Resources.Render(TryFindSetting(target, name) ?? throw SettingNotFound(name)));
    }

    /// <summary>Create or replace, synchronous, always 200 (the spec has no 201).</summary>
    private ArmReply PutSetting(HttpContext ctx)
    {
        var target = Target(ctx);
        var name = Route(ctx, "settingName");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(["id", "name", "type", "etag", "systemData"]);
        ValidateSetting(target, body);
        var existing = TryFindSetting(target, name);
        if (existing is null && Settings(target).Count() >= MaxSettingsPerResource)
            throw Unwrapped(400, "BadRequest",
                $"Resource '{target.Id}' already has {MaxSettingsPerResource} diagnostic settings, the maximum; delete one or update an existing setting.");
        if (existing is not null)
        {
            existing.Body = body;
            existing.Touch();
        }
        else
            existing = state.Resources.Add(SettingId(target, name), target.SubscriptionId, target.ResourceGroup, DiagnosticSettingType, name, body);
        return new ArmReply(200, state.Resources.Render(existing));
    }

    /// <summary>200, or 204 when the setting is absent.</summary>
    private ArmReply DeleteSetting(HttpContext ctx)
    {
        if (TryFindSetting(Target(ctx), Route(ctx, "settingName")) is not { } setting)
            return new ArmReply(204);
        state.Resources.Remove(setting);
        return new ArmReply(200);
    }

    /// <summary>
    /// A destination; a workspace id well formed; each log entry exactly one of category/categoryGroup and a boolean enabled;
    /// each metric a boolean enabled; for types whose categories are known, only those categories and groups.
    /// </summary>
    private static void ValidateSetting(ArmResource target, JsonObject body)
    {
        if (body["properties"] is not JsonObject properties)
            throw Unwrapped(400, "BadRequest", "The diagnostic setting's properties are required.");
        if (!DestinationFields.Any(f => !string.IsNullOrWhiteSpace(properties.StringAt(f))))
            throw Unwrapped(400, "BadRequest",
                "At least one destination is required: workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId.");
        var workspace = properties.StringAt("workspaceId");
        if (!string.IsNullOrEmpty(workspace) && !WorkspaceId().IsMatch(workspace))
            throw Unwrapped(400, "BadRequest",
                $"The workspaceId '{workspace}' is not a valid Log Analytics workspace resource id " +
                "(/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{name}).");
        if (properties.ContainsKey("workspaceId") && properties["workspaceId"] is not null and not JsonValue)
            throw Unwrapped(400, "BadRequest", "The workspaceId must be a string.");

        var known = CategoriesOf(target);
        foreach (var (entry, i) in Entries(properties, "logs"))
        {
            var category = entry.StringAt("category");
            var categoryGroup = entry.StringAt("categoryGroup");
            if (string.IsNullOrEmpty(category) == string.IsNullOrEmpty(categoryGroup))
                throw Unwrapped(400, "BadRequest", $"properties.logs[{i}] must set exactly one of category and categoryGroup.");
            CheckEnabled(entry, $"properties.logs[{i}]");
            if (known is null)
                continue;
            if (category is not null && !known.Any(c => c.CategoryType == "Logs" && Is(c.Name, category)))
                throw Unwrapped(400, "BadRequest", $"Category '{category}' is not supported. Supported log categories: " +
                    string.Join(", ", known.Where(c => c.CategoryType == "Logs").Select(c => c.Name)) + ".");
            if (categoryGroup is not null && !known.SelectMany(c => c.Groups).Any(g => Is(g, categoryGroup)))
                throw Unwrapped(400, "BadRequest", $"Category group '{categoryGroup}' is not supported. Supported category groups: " +
                    string.Join(", ", known.SelectMany(c => c.Groups).Distinct()) + ".");
        }
        foreach (var (entry, i) in Entries(properties, "metrics"))
        {
            CheckEnabled(entry, $"properties.metrics[{i}]");
            var category = entry.StringAt("category");
            if (known is not null && (category is null || !known.Any(c => c.CategoryType == "Metrics" && Is(c.Name, category))))
                throw Unwrapped(400, "BadRequest", $"Metric category '{category}' is not supported. Supported metric categories: " +
                    string.Join(", ", known.Where(c => c.CategoryType == "Metrics").Select(c => c.Name)) + ".");
        }
    }

    private static IEnumerable<(JsonObject Entry, int Index)> Entries(JsonObject properties, string name)
    {
        if (properties[name] is null)
            yield break;
        if (properties[name] is not JsonArray array)
            throw Unwrapped(400, "BadRequest", $"properties.{name} must be an array.");
        for (var i = 0; i < array.Count; i++)
            yield return (array[i] as JsonObject ?? throw Unwrapped(400, "BadRequest", $"properties.{name}[{i}] must be an object."), i);
    }

    private static void CheckEnabled(JsonObject entry, string where)
    {
        if (!(entry["enabled"] is JsonValue v && v.TryGetValue<bool>(out _)))
            throw Unwrapped(400, "BadRequest", $"{where}.enabled is required and must be a boolean.");
    }

    /// <summary>The categories the emulator knows for the target's type; null (anything accepted) for other types.</summary>
    private static Category[]? CategoriesOf(ArmResource target) =>
        target.Type.Equals(CognitiveServicesProvider.AccountType, StringComparison.OrdinalIgnoreCase) ? AccountCategories : null;

    private ArmReply ListCategories(HttpContext ctx)
    {
        var target = Target(ctx);
        return new ArmReply(200, new JsonObject
        {
            ["value"] = new JsonArray((CategoriesOf(target) ?? []).Select(c => (JsonNode)RenderCategory(target, c)).ToArray()),
        });
    }

    private ArmReply GetCategory(HttpContext ctx)
    {
        var target = Target(ctx);
        var name = Route(ctx, "categoryName");
        var category = (CategoriesOf(target) ?? []).FirstOrDefault(c => Is(c.Name, name))
            ?? throw Unwrapped(404, "ResourceNotFound", $"The diagnostic settings category '{name}' does not exist for resource '{target.Id}'.");
        return new ArmReply(200, RenderCategory(target, category));
    }

    /// <summary>listDiagnosticSettingsCategories.json: metrics categories carry no categoryGroups.</summary>
    private static JsonObject RenderCategory(ArmResource target, Category c)
    {
        var properties = new JsonObject { ["categoryType"] = c.CategoryType };
        if (c.Groups.Length > 0)
            properties["categoryGroups"] = new JsonArray(c.Groups.Select(g => (JsonNode)g).ToArray());
        return new JsonObject
        {
            ["id"] = $"{target.Id}/providers/microsoft.insights/diagnosticSettingsCategories/{c.Name}",
            ["type"] = "microsoft.insights/diagnosticSettingsCategories",
            ["name"] = c.Name,
            ["properties"] = properties,
        };
    }

    private static ArmException SettingNotFound(string name) =>
        Unwrapped(404, "ResourceNotFound", $"The diagnostic setting '{name}' doesn't exist.");

    private static ArmException Unwrapped(int status, string code, string message) => new(status, code, message) { Unwrapped = true };

    // ---------------------------------------------------------------- shared

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    private static bool Is(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/Microsoft\\.OperationalInsights/workspaces/[^/]+$", RegexOptions.IgnoreCase)]
    private static partial Regex WorkspaceId();
}
