using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Storage/storageAccounts (arm-api.md §6.2, 2025-08-01). Create is long-running, final-state-via location: 202,
/// no body, <c>Location</c> (<c>/subscriptions/{s}/providers/Microsoft.Storage/locations/{loc}/asyncoperations/{id}</c>: 202
/// while running, then 200 with the account) and <c>Retry-After</c>. A PUT on an existing account, PATCH (merge) and
/// DELETE are synchronous.
/// </summary>
internal sealed partial class StorageProvider
{
    public const string Namespace = "Microsoft.Storage";
    public const string AccountType = Namespace + "/storageAccounts";

    private static readonly string[] Versions = ["2025-08-01"];
    private static readonly ArmApi Accounts = new(Namespace, "storageAccounts", Versions);
    private static readonly ArmApi Locations = new(Namespace, "locations", Versions);
    private static readonly string[] PublicNetworkAccessValues = ["Enabled", "Disabled", "SecuredByPerimeter"];
    private static readonly string[] BypassValues = ["None", "Logging", "Metrics", "AzureServices"];
    private static readonly string[] DefaultActions = ["Allow", "Deny"];
    /// <summary>Storage spells the combined type without a space (unlike CognitiveServices and Search).</summary>
    private static readonly string[] IdentityTypes = ["None", "SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned"];

    private static readonly string[] ReadOnlyPaths =
    [
        "id", "name", "type", "etag", "systemData", "properties.provisioningState", "properties.primaryEndpoints",
        "properties.primaryLocation", "properties.statusOfPrimary", "properties.creationTime", "properties.keyCreationTime",
        "properties.privateEndpointConnections", .. ManagedIdentity.ReadOnlyPaths,
    ];

    private readonly EmulatorState state;

    public StorageProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterView(AccountType, Fill);
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var subscription = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{Namespace}");
        subscription.MapGet("/storageAccounts", ctx => state.ReplyAsync(ctx, () => List(ctx, byGroup: false))).WithMetadata(Accounts);
        subscription.MapGet("/locations/{location}/asyncoperations/{operationId}", ctx => state.ReplyAsync(ctx, () => Lro.PollResult(ctx, state))).WithMetadata(Locations);
        subscription.MapGet("/locations/{location}/operationStatuses/{operationId}", ctx => state.ReplyAsync(ctx, () => Lro.PollStatus(ctx, state))).WithMetadata(Locations);

        var accounts = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{AccountType}")
            .WithMetadata(Accounts);
        accounts.MapGet("", ctx => state.ReplyAsync(ctx, () => List(ctx, byGroup: true)));
        accounts.MapGet("/{accountName}", ctx => state.ReplyAsync(ctx, () => new ArmReply(200, state.Resources.Render(Find(ctx)))));
        accounts.MapPut("/{accountName}", ctx => state.ReplyAsync(ctx, () => Put(ctx)));
        accounts.MapPatch("/{accountName}", ctx => state.ReplyAsync(ctx, () => Patch(ctx)));
        accounts.MapDelete("/{accountName}", ctx => state.ReplyAsync(ctx, () =>
        {
            if (TryFind(ctx) is not { } account)
                return new ArmReply(204);
            state.Resources.Remove(account);
            return new ArmReply(200);
        }));
    }

    private ArmReply List(HttpContext ctx, bool byGroup) => Paging.Page(ctx,
        state.Resources.Query(Route(ctx, ArmPipeline.SubscriptionId), byGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null, AccountType)
            .Select(r => (JsonNode)state.Resources.Render(r)).ToList(),
        state.Config.PageSize);

    private ArmReply Put(HttpContext ctx)
    {
        var name = Route(ctx, "accountName");
        if (!AccountName().IsMatch(name))
            throw ArmErrors.BadRequest("AccountNameInvalid",
                $"{name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ReadOnlyPaths);
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.LocationRequired();
        if (string.IsNullOrWhiteSpace(body["sku"].StringAt("name")))
            throw Invalid("The sku (name, e.g. Standard_LRS) is required.");
        if (string.IsNullOrWhiteSpace(body.StringAt("kind")))
            throw Invalid("The kind (e.g. StorageV2) is required.");
        var existing = TryFind(ctx);
        if (existing is not null && ArmLocation.Normalize(existing.Body.StringAt("location") ?? "") != ArmLocation.Normalize(location))
            throw ArmErrors.InvalidResourceLocation(existing.Name, existing.ResourceGroup,
                ArmLocation.Normalize(existing.Body.StringAt("location") ?? ""), ArmLocation.Normalize(location));
        Validate(body);
        var properties = body.ObjectAt("properties");
        properties["networkAcls"] ??= new JsonObject
        {
            ["bypass"] = "AzureServices", ["defaultAction"] = "Allow", ["ipRules"] = new JsonArray(), ["virtualNetworkRules"] = new JsonArray(),
        };
        properties["supportsHttpsTrafficOnly"] ??= true;
        if (existing?.Body["properties"]?["privateEndpointConnections"] is { } connections)
            properties["privateEndpointConnections"] = connections.DeepClone();

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var id = ResourceIds.For(subscriptionId, resourceGroup, AccountType, name);
        ManagedIdentity.Assign(body, existing?.Body, state.TenantId, id, state.Resources);
        if (existing is not null)
        {
            existing.Body = body;
            existing.ProvisioningState = "Succeeded";
            existing.CurrentOperationId = null;
            existing.Touch();
            return new ArmReply(200, state.Resources.Render(existing));
        }
        var account = state.Resources.Add(id, subscriptionId, resourceGroup, AccountType, name, body);
        var op = state.Operations.Start(state.Resources, account, OperationKind.CreateOrReplace,
            new OperationUrls($"/subscriptions/{subscriptionId}/providers/{Namespace}/locations/{ArmLocation.Normalize(location)}", "operationStatuses", "asyncoperations", MinimalStatus: true),
            state.Config.LroPolls, ArmPipeline.TakeOperationFault(ctx, state), runningState: "Creating");
        return Lro.Answer(ctx, state, op, acceptedStatus: 202, withBody: state.Config.LroStyle == LroStyle.Sync, LroHeaders.Location);
    }

    /// <summary>Merge patch (StorageAccountUpdateParameters), synchronous 200; the result is checked as a whole.</summary>
    private ArmReply Patch(HttpContext ctx)
    {
        var account = Find(ctx);
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without([.. ReadOnlyPaths, "location"]);
        var body = (JsonObject)account.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        Validate(body);
        ManagedIdentity.Assign(body, account.Body, state.TenantId, account.Id, state.Resources);
        account.Body = body;
        account.Touch();
        return new ArmReply(200, state.Resources.Render(account));
    }

    /// <summary>Enums and types of the security properties; every code a guess (<c>InvalidValuesForRequestParameters</c>).</summary>
    private static void Validate(JsonObject body)
    {
        var properties = body["properties"] as JsonObject ?? new JsonObject();
        CheckEnum(properties, "publicNetworkAccess", PublicNetworkAccessValues);
        foreach (var flag in new[] { "allowSharedKeyAccess", "allowBlobPublicAccess", "supportsHttpsTrafficOnly", "defaultToOAuthAuthentication" })
            if (properties[flag] is { } value && !(value is JsonValue v && v.TryGetValue<bool>(out _)))
                throw Invalid($"properties.{flag} must be a boolean.");
        if (properties["networkAcls"] is { } aclsNode)
        {
            if (aclsNode is not JsonObject acls)
                throw Invalid("properties.networkAcls must be an object.");
            if (acls["defaultAction"] is null)
                throw Invalid("properties.networkAcls.defaultAction (Allow or Deny) is required.");
            CheckEnum(acls, "defaultAction", DefaultActions, "networkAcls.");
            if (acls["bypass"] is { } bypass)
            {
                var parts = (bypass.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)bypass! : "\u0000").Split(',', StringSplitOptions.TrimEntries);
                if (parts.Any(p => !BypassValues.Any(b => Is(b, p))))
                    throw Invalid($"properties.networkAcls.bypass {bypass.ToJsonString()} is invalid; it must be a comma-separated list of None, Logging, Metrics, AzureServices.");
            }
            if (acls["ipRules"] is { } ipRules && (ipRules is not JsonArray ips || ips.Any(r => string.IsNullOrWhiteSpace(r.StringAt("value")))))
                throw Invalid("properties.networkAcls.ipRules must be an array of {\"value\": \"address or CIDR\", \"action\": \"Allow\"}.");
            if (acls["virtualNetworkRules"] is { } vnetRules && (vnetRules is not JsonArray rules || rules.Any(r => string.IsNullOrWhiteSpace(r.StringAt("id")))))
                throw Invalid("properties.networkAcls.virtualNetworkRules must be an array of {\"id\": \"subnet id\"}.");
        }
        if (body["identity"] is JsonObject identity && !IdentityTypes.Any(t => Is(t, identity.StringAt("type"))))
            throw Invalid($"identity.type {identity["type"]?.ToJsonString() ?? "(missing)"} is invalid; it must be one of {string.Join(", ", IdentityTypes)} (no space in SystemAssigned,UserAssigned).");
    }

    /// <summary>What a read shows beside the body (StorageAccountUpdateDisablePublicNetworkAccess.json): no etag, endpoints, creation time.</summary>
    private static void Fill(JsonObject json, ArmResource r)
    {
        json.Remove("etag");
        var properties = json.ObjectAt("properties");
        properties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
        properties["creationTime"] ??= r.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
        properties["primaryLocation"] = r.Body.StringAt("location");
        properties["statusOfPrimary"] = "available";
        var name = r.Name.ToLowerInvariant();
        properties["primaryEndpoints"] = new JsonObject
        {
            ["blob"] = $"https://{name}.blob.core.windows.net/", ["dfs"] = $"https://{name}.dfs.core.windows.net/",
            ["file"] = $"https://{name}.file.core.windows.net/", ["queue"] = $"https://{name}.queue.core.windows.net/",
            ["table"] = $"https://{name}.table.core.windows.net/", ["web"] = $"https://{name}.web.core.windows.net/",
        };
        properties["privateEndpointConnections"] ??= new JsonArray();
    }

    private static void CheckEnum(JsonObject obj, string field, string[] allowed, string prefix = "")
    {
        if (obj[field] is { } value && !allowed.Any(a => Is(a, value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)value : null)))
            throw Invalid($"properties.{prefix}{field} {value.ToJsonString()} is invalid; it must be one of {string.Join(", ", allowed)}.");
    }

    private static ArmException Invalid(string message) => ArmErrors.BadRequest("InvalidValuesForRequestParameters", message);

    private static bool Is(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;


    private ArmResource? TryFind(HttpContext ctx)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return state.Resources.Find(ResourceIds.For(subscriptionId, resourceGroup, AccountType, Route(ctx, "accountName")), AccountType);
    }

    private ArmResource Find(HttpContext ctx) => TryFind(ctx)
        ?? throw ArmErrors.ResourceNotFound($"{AccountType}/{Route(ctx, "accountName")}", Route(ctx, ArmPipeline.ResourceGroupName));

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}
