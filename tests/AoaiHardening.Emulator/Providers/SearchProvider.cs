using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Search/searchServices (arm-api.md §6.1, 2025-05-01). PUT is long-running with the default final state: 201/200
/// with the service (<c>provisioningState</c>/<c>status</c> <c>provisioning</c>, no LRO headers, as the examples show), which
/// settles after <c>lroPolls</c> GETs of the service itself (<c>lroStyle</c> sync: settled at once). PATCH (merge) and
/// DELETE are synchronous. Search spells its states lower-case (<c>succeeded</c>, <c>running</c>).
/// </summary>
internal sealed class SearchProvider
{
    public const string Namespace = "Microsoft.Search";
    public const string ServiceType = Namespace + "/searchServices";

    private static readonly ArmApi Services = new(Namespace, "searchServices", ["2025-05-01"]);
    private static readonly string[] PublicNetworkAccessValues = ["enabled", "disabled", "securedByPerimeter"];
    private static readonly string[] BypassValues = ["None", "AzureServices"];
    private static readonly string[] FailureModes = ["http403", "http401WithBearerChallenge"];
    private static readonly string[] IdentityTypes = ["None", "SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned"];

    /// <summary>Server-owned: dropped from a client's body; the read-only lists are kept from the stored service.</summary>
    private static readonly string[] ReadOnlyPaths =
    [
        "id", "name", "type", "etag", "systemData", "properties.provisioningState", "properties.status", "properties.statusDetails",
        "properties.endpoint", "properties.eTag", "properties.upgradeAvailable", "properties.serviceUpgradedAt",
        "properties.privateEndpointConnections", "properties.sharedPrivateLinkResources",
        "properties.encryptionWithCmk.encryptionComplianceStatus", .. ManagedIdentity.ReadOnlyPaths,
    ];

    private static readonly string[] KeptReadOnly = ["privateEndpointConnections", "sharedPrivateLinkResources"];

    private readonly EmulatorState state;

    public SearchProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterView(ServiceType, Fill);
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{ServiceType}", ctx => state.ReplyAsync(ctx, () => List(ctx, byGroup: false))).WithMetadata(Services);
        var services = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{ServiceType}")
            .WithMetadata(Services);
        services.MapGet("", ctx => state.ReplyAsync(ctx, () => List(ctx, byGroup: true)));
        services.MapGet("/{searchServiceName}", ctx => state.ReplyAsync(ctx, () => Get(ctx)));
        services.MapPut("/{searchServiceName}", ctx => state.ReplyAsync(ctx, () => Put(ctx)));
        services.MapPatch("/{searchServiceName}", ctx => state.ReplyAsync(ctx, () => Patch(ctx)));
        services.MapDelete("/{searchServiceName}", ctx => state.ReplyAsync(ctx, () =>
        {
            if (TryFind(ctx) is not { } service)
                return new ArmReply(204);
            state.Resources.Remove(service);
            return new ArmReply(200);
        }));
    }

    private ArmReply List(HttpContext ctx, bool byGroup) => Paging.Page(ctx,
        state.Resources.Query(Route(ctx, ArmPipeline.SubscriptionId), byGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null, ServiceType)
            .Select(r => (JsonNode)state.Resources.Render(r)).ToList(),
        state.Config.PageSize);

    /// <summary>A GET is also the poll of a PUT still provisioning (the default final-state: the resource itself).</summary>
    private ArmReply Get(HttpContext ctx)
    {
        var service = Find(ctx);
        if (service.CurrentOperationId is { } opId && state.Operations.Find(opId) is { IsTerminal: false } op)
            state.Operations.Poll(op, state.Resources);
        return new ArmReply(200, state.Resources.Render(service));
    }

    private ArmReply Put(HttpContext ctx)
    {
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ReadOnlyPaths);
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.LocationRequired();
        if (string.IsNullOrWhiteSpace(body["sku"].StringAt("name")))
            throw Bad("The sku (name, e.g. basic or standard) is required.");
        var existing = TryFind(ctx);
        if (existing is not null && ArmLocation.Normalize(existing.Body.StringAt("location") ?? "") != ArmLocation.Normalize(location))
            throw ArmErrors.InvalidResourceLocation(existing.Name, existing.ResourceGroup,
                ArmLocation.Normalize(existing.Body.StringAt("location") ?? ""), ArmLocation.Normalize(location));
        var properties = body.ObjectAt("properties");
        Validate(body, properties);
        Complete(properties, properties, existing?.Body);

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var name = Route(ctx, "searchServiceName");
        var id = ResourceIds.For(subscriptionId, resourceGroup, ServiceType, name);
        ManagedIdentity.Assign(body, existing?.Body, state.TenantId, id, state.Resources);
        var service = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, ServiceType, name, body);
        service.Body = body;
        var op = state.Operations.Start(state.Resources, service, OperationKind.CreateOrReplace,
            new OperationUrls($"/subscriptions/{subscriptionId}/providers/{Namespace}/locations/{ArmLocation.Normalize(location)}", "operationStatuses", "operationResults", MinimalStatus: true),
            state.Config.LroPolls, ArmPipeline.TakeOperationFault(ctx, state), runningState: "provisioning");
        if (state.Config.LroStyle == LroStyle.Sync)
        {
            state.Operations.Settle(op, state.Resources);
            if (op.Failed)
                throw op.Error;
        }
        return new ArmReply(existing is null ? 201 : 200, state.Resources.Render(service));
    }

    /// <summary>
    /// Merge patch, synchronous 200. <c>disableLocalAuth: true</c> in the patch clears authOptions (SearchUpdateServiceDisableLocalAuth.json);
    /// naming both is refused.
    /// </summary>
    private ArmReply Patch(HttpContext ctx)
    {
        var service = Find(ctx);
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without([.. ReadOnlyPaths, "location"]);
        var body = (JsonObject)service.Body.DeepClone();
        var patchProperties = patch["properties"] as JsonObject ?? new JsonObject();
        if (IsTrue(patchProperties["disableLocalAuth"]) && !patchProperties.ContainsKey("authOptions"))
            body.ObjectAt("properties").Remove("authOptions");
        JsonMerge.Apply(body, patch);
        var properties = body.ObjectAt("properties");
        Validate(body, properties);
        Complete(properties, patchProperties, service.Body);
        ManagedIdentity.Assign(body, service.Body, state.TenantId, service.Id, state.Resources);
        service.Body = body;
        service.Touch();
        return new ArmReply(200, state.Resources.Render(service));
    }

    /// <summary>The §6.1 rules; every code a guess (BadRequest) except what ARM itself answers.</summary>
    private static void Validate(JsonObject body, JsonObject properties)
    {
        if (properties["authOptions"] is { } auth)
        {
            if (IsTrue(properties["disableLocalAuth"]))
                throw Bad("authOptions must not be set when disableLocalAuth is true: with local authentication disabled only Entra ID is accepted.");
            if (auth is not JsonObject options || options.Count != 1 || !(options.ContainsKey("apiKeyOnly") || options.ContainsKey("aadOrApiKey")))
                throw Bad("authOptions must hold exactly one of apiKeyOnly and aadOrApiKey.");
            if (options["aadOrApiKey"] is { } aad && aad["aadAuthFailureMode"] is { } mode
                && !FailureModes.Any(m => Is(m, mode.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)mode : null)))
                throw Bad($"authOptions.aadOrApiKey.aadAuthFailureMode {mode.ToJsonString()} is invalid; it must be http403 or http401WithBearerChallenge.");
        }
        if (properties["disableLocalAuth"] is { } disable && !(disable is JsonValue dv && dv.TryGetValue<bool>(out _)))
            throw Bad("disableLocalAuth must be a boolean.");
        CheckEnum(properties, "publicNetworkAccess", PublicNetworkAccessValues);
        if (properties["networkRuleSet"] is { } ruleSet)
        {
            if (ruleSet is not JsonObject rules)
                throw Bad("networkRuleSet must be an object.");
            CheckEnum(rules, "bypass", BypassValues, "networkRuleSet.");
            if (rules["ipRules"] is { } ipRules && (ipRules is not JsonArray array || array.Any(r => string.IsNullOrWhiteSpace(r.StringAt("value")))))
                throw Bad("networkRuleSet.ipRules must be an array of {\"value\": \"address or CIDR\"}.");
        }
        if (body["identity"] is JsonObject identity && !IdentityTypes.Any(t => Is(t, identity.StringAt("type"))))
            throw Bad($"identity.type {identity["type"]?.ToJsonString() ?? "(missing)"} is invalid; it must be one of {string.Join(", ", IdentityTypes)}.");
    }

    /// <summary>Defaults the service fills, and the read-only lists kept from the stored service.</summary>
    private static void Complete(JsonObject properties, JsonObject requested, JsonObject? previous)
    {
        properties["replicaCount"] ??= 1;
        properties["partitionCount"] ??= 1;
        properties["hostingMode"] ??= "default";
        properties["publicNetworkAccess"] ??= "enabled";
        properties["networkRuleSet"] ??= new JsonObject { ["ipRules"] = new JsonArray(), ["bypass"] = "None" };
        properties["disableLocalAuth"] ??= false;
        if (IsTrue(properties["disableLocalAuth"]))
            properties["authOptions"] = null;
        else if (properties["authOptions"] is null)
            properties["authOptions"] = new JsonObject { ["apiKeyOnly"] = new JsonObject() };
        foreach (var field in KeptReadOnly)
            if (previous?["properties"]?[field] is { } kept)
                properties[field] = kept.DeepClone();
    }

    private static void Fill(JsonObject json, ArmResource r)
    {
        json.Remove("etag");
        var properties = json.ObjectAt("properties");
        var provisioning = (r.ProvisioningState ?? "succeeded").ToLowerInvariant();
        properties["provisioningState"] = provisioning;
        properties["status"] = provisioning switch { "succeeded" => "running", "failed" => "error", _ => "provisioning" };
        properties["statusDetails"] ??= "";
        properties["endpoint"] = $"https://{r.Name.ToLowerInvariant()}.search.windows.net/";
        properties["privateEndpointConnections"] ??= new JsonArray();
        properties["sharedPrivateLinkResources"] ??= new JsonArray();
        var cmk = properties["encryptionWithCmk"] as JsonObject ?? new JsonObject { ["enforcement"] = "Unspecified" };
        cmk["encryptionComplianceStatus"] = "Compliant";
        properties["encryptionWithCmk"] = cmk;
    }

    private static void CheckEnum(JsonObject obj, string field, string[] allowed, string prefix = "")
    {
        if (obj[field] is { } value && !allowed.Any(a => Is(a, value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value : null)))
            throw Bad($"{prefix}{field} {value.ToJsonString()} is invalid; it must be one of {string.Join(", ", allowed)}.");
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private static ArmException Bad(string message) => ArmErrors.BadRequest("BadRequest", message);

    private static bool Is(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;


    private ArmResource? TryFind(HttpContext ctx)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return state.Resources.Find(ResourceIds.For(subscriptionId, resourceGroup, ServiceType, Route(ctx, "searchServiceName")), ServiceType);
    }

    private ArmResource Find(HttpContext ctx) => TryFind(ctx)
        ?? throw ArmErrors.ResourceNotFound($"{ServiceType}/{Route(ctx, "searchServiceName")}", Route(ctx, ArmPipeline.ResourceGroupName));
}
