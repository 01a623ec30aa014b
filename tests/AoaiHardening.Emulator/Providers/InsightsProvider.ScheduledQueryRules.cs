using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Log search alert rules (arm-api.md §4.2, 2023-12-01): resource-group resources written synchronously (PUT 201/200,
/// PATCH 200 merge), listed by group and subscription (paged). Unknown fields are kept.
/// </summary>
internal sealed partial class InsightsProvider
{
    public const string ScheduledQueryRuleType = Namespace + "/scheduledQueryRules";

    private static readonly ArmApi ScheduledQueryRulesApi = new(Namespace, "scheduledQueryRules", ["2023-12-01"]);
    private static readonly string[] RuleKinds = ["LogAlert", "LogToMetric"];

    private static readonly string[] RuleReadOnlyPaths =
        ["id", "name", "type", "etag", "systemData", "properties.isWorkspaceAlertsStorageConfigured", .. ManagedIdentity.ReadOnlyPaths];

    private void RegisterScheduledQueryRules() => state.Resources.RegisterView(ScheduledQueryRuleType, FillRule);

    private void MapScheduledQueryRules(IEndpointRouteBuilder routes)
    {
        routes.MapGet($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{ScheduledQueryRuleType}",
            ctx => state.ReplyAsync(ctx, () => ListRules(ctx, byGroup: false))).WithMetadata(ScheduledQueryRulesApi);
        var rules = routes.MapGroup(
            $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{ScheduledQueryRuleType}")
            .WithMetadata(ScheduledQueryRulesApi);
        rules.MapGet("", ctx => state.ReplyAsync(ctx, () => ListRules(ctx, byGroup: true)));
        rules.MapGet("/{ruleName}", ctx => state.ReplyAsync(ctx, () => new ArmReply(200, state.Resources.Render(FindRule(ctx)))));
        rules.MapPut("/{ruleName}", ctx => state.ReplyAsync(ctx, () => PutRule(ctx)));
        rules.MapPatch("/{ruleName}", ctx => state.ReplyAsync(ctx, () => PatchRule(ctx)));
        rules.MapDelete("/{ruleName}", ctx => state.ReplyAsync(ctx, () =>
        {
            if (TryFindRule(ctx) is not { } rule)
                return new ArmReply(204);
            state.Resources.Remove(rule);
            return new ArmReply(200);
        }));
    }

    private ArmReply ListRules(HttpContext ctx, bool byGroup) => Paging.Page(ctx,
        state.Resources.Query(Route(ctx, ArmPipeline.SubscriptionId), byGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null, ScheduledQueryRuleType)
            .Select(r => (JsonNode)state.Resources.Render(r)).ToList(),
        state.Config.PageSize);

    private ArmReply PutRule(HttpContext ctx)
    {
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(RuleReadOnlyPaths);
        var existing = TryFindRule(ctx);
        ValidateRule(body, existing);
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var name = Route(ctx, "ruleName");
        var id = ResourceIds.For(subscriptionId, resourceGroup, ScheduledQueryRuleType, name);
        ManagedIdentity.Assign(body, existing?.Body, state.TenantId, id, state.Resources);
        var rule = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, ScheduledQueryRuleType, name, body);
        rule.Body = body;
        rule.Touch();
        return new ArmReply(existing is null ? 201 : 200, state.Resources.Render(rule));
    }

    /// <summary>JSON merge patch (ScheduledQueryRuleResourcePatch), checked as a whole afterwards; 200.</summary>
    private ArmReply PatchRule(HttpContext ctx)
    {
        var rule = FindRule(ctx);
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(RuleReadOnlyPaths);
        var body = (JsonObject)rule.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        ValidateRule(body, rule);
        ManagedIdentity.Assign(body, rule.Body, state.TenantId, rule.Id, state.Resources);
        rule.Body = body;
        rule.Touch();
        return new ArmReply(200, state.Resources.Render(rule));
    }

    /// <summary>
    /// In order: location (LocationRequired; unchanged on a replace), kind, scopes, criteria.allOf[].query (LogAlert),
    /// evaluationFrequency/windowSize ISO 8601 durations, severity 0–4, actions.actionGroups ids. All but the location
    /// codes are guesses (BadRequest).
    /// </summary>
    private static void ValidateRule(JsonObject body, ArmResource? existing)
    {
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.LocationRequired();
        if (existing is not null && existing.Body.StringAt("location") is { } current && ArmLocation.Normalize(current) != ArmLocation.Normalize(location))
            throw ArmErrors.InvalidResourceLocation(existing.Name, existing.ResourceGroup, ArmLocation.Normalize(current), ArmLocation.Normalize(location));
        var kind = body.StringAt("kind") ?? "LogAlert";
        if (body["kind"] is not null && !RuleKinds.Any(k => Is(k, body.StringAt("kind"))))
            throw Bad($"The kind {body["kind"]!.ToJsonString()} is invalid; it must be LogAlert or LogToMetric.");
        if (body["properties"] is not JsonObject properties)
            throw Bad("The rule's properties are required.");

        if (properties["scopes"] is not JsonArray scopes || scopes.Count == 0
            || scopes.Any(s => s is not JsonValue v || !v.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text)))
            throw Bad("properties.scopes is required: a non-empty array of resource ids.");

        if (properties["criteria"]?["allOf"] is not JsonArray allOf || allOf.Count == 0)
            throw Bad("properties.criteria.allOf is required: a non-empty array of conditions.");
        for (var i = 0; i < allOf.Count; i++)
        {
            if (allOf[i] is not JsonObject condition)
                throw Bad($"properties.criteria.allOf[{i}] must be an object.");
            if (Is(kind, "LogAlert") && string.IsNullOrWhiteSpace(condition.StringAt("query")))
                throw Bad($"properties.criteria.allOf[{i}].query is required: a non-empty log query.");
        }

        foreach (var field in new[] { "evaluationFrequency", "windowSize" })
            if (properties[field] is not null && !(properties.StringAt(field) is { } duration && IsoDuration().IsMatch(duration)))
                throw Bad($"properties.{field} {properties[field]!.ToJsonString()} is not an ISO 8601 duration (e.g. PT5M, PT1H, P1D).");

        if (properties["severity"] is not null
            && !(properties["severity"] is JsonValue sv && sv.TryGetValue<long>(out var severity) && severity is >= 0 and <= 4))
            throw Bad($"properties.severity {properties["severity"]!.ToJsonString()} is invalid; it must be an integer from 0 to 4.");

        if (properties["actions"]?["actionGroups"] is { } groups)
        {
            if (groups is not JsonArray groupArray)
                throw Bad("properties.actions.actionGroups must be an array of action group ids.");
            foreach (var group in groupArray)
                if (!(group is JsonValue gv && gv.TryGetValue<string>(out var groupId) && ActionGroupId().IsMatch(groupId)))
                    throw Bad($"properties.actions.actionGroups: {group?.ToJsonString() ?? "null"} is not an action group id " +
                        "(/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Insights/actionGroups/{name}).");
        }
    }

    /// <summary>As createOrUpdateScheduledQueryRule.json shows a rule: type lower-case, tags {}, no etag.</summary>
    private static void FillRule(JsonObject json, ArmResource r)
    {
        json["type"] = ScheduledQueryRuleType.ToLowerInvariant();
        json.Remove("etag");
        json["tags"] ??= new JsonObject();
        if (json["properties"] is JsonObject properties && properties["checkWorkspaceAlertsStorageConfigured"] is JsonValue check
            && check.TryGetValue<bool>(out var configured))
            properties["isWorkspaceAlertsStorageConfigured"] = configured;
    }

    private static ArmException Bad(string message) => ArmErrors.BadRequest("BadRequest", message);


    private ArmResource? TryFindRule(HttpContext ctx)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return state.Resources.Find(ResourceIds.For(subscriptionId, resourceGroup, ScheduledQueryRuleType, Route(ctx, "ruleName")), ScheduledQueryRuleType);
    }

    private ArmResource FindRule(HttpContext ctx) => TryFindRule(ctx)
        ?? throw ArmErrors.ResourceNotFound($"{ScheduledQueryRuleType}/{Route(ctx, "ruleName")}", Route(ctx, ArmPipeline.ResourceGroupName));

    [GeneratedRegex("^P(?!$)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$")]
    private static partial Regex IsoDuration();

    [GeneratedRegex("^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/Microsoft\\.Insights/actionGroups/[^/]+$", RegexOptions.IgnoreCase)]
    private static partial Regex ActionGroupId();
}
