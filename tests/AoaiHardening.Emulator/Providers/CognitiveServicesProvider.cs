using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.CognitiveServices/accounts: CRUD as long-running operations, keys, and the operation URLs; the account's
/// children in the other parts (private endpoint connections, deployments, RAI policies and blocklists) and the
/// location-scoped content filter catalogue.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string Namespace = "Microsoft.CognitiveServices";
    public const string AccountType = Namespace + "/accounts";

    private static readonly string[] Versions = ["2025-09-01", "2025-06-01", "2024-10-01"];
    private static readonly ArmApi Accounts = new(Namespace, "accounts", Versions);
    private static readonly ArmApi Locations = new(Namespace, "locations", Versions);

    /// <summary>Server-owned fields: a client echoing them back (GET, edit, PUT) must not change them.</summary>
    private static readonly string[] ReadOnlyPaths =
    [
        "id", "name", "type", "etag", "systemData",
        "properties.provisioningState", "properties.endpoint", "properties.endpoints", "properties.internalId",
        "properties.dateCreated", "properties.capabilities", "properties.privateEndpointConnections",
        "properties.deletionDate", "properties.scheduledPurgeDate", "properties.commitmentPlanAssociations",
        .. ManagedIdentity.ReadOnlyPaths,
    ];

    /// <summary>Kept across a PUT that replaces the body: the account is the same account.</summary>
    private static readonly string[] CreationFacts = ["dateCreated", "internalId"];

    private readonly EmulatorState state;

    public CognitiveServicesProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterView(AccountType, FillReadOnly);
        RegisterPrivateEndpointConnections();
        RegisterDeployments();
        RegisterRaiPolicies();
        RegisterRaiBlocklists();
        RegisterDefenderForAISettings();
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var subscription = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{Namespace}");
        subscription.MapGet("/accounts", ctx => state.ReplyAsync(ctx, () => List(ctx, resourceGroup: null))).WithMetadata(Accounts);
        subscription.MapGet("/locations/{location}/operationStatuses/{operationId}", ctx => state.ReplyAsync(ctx, () => Lro.PollStatus(ctx, state))).WithMetadata(Locations);
        subscription.MapGet("/locations/{location}/operationResults/{operationId}", ctx => state.ReplyAsync(ctx, () => Lro.PollResult(ctx, state))).WithMetadata(Locations);
        MapRaiContentFilters(subscription);

        var accounts = routes.MapGroup(
            $"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{Namespace}/accounts")
            .WithMetadata(Accounts);
        accounts.MapGet("", ctx => state.ReplyAsync(ctx, () => List(ctx, ArmPipeline.Scope(ctx, state).ResourceGroup)));
        accounts.MapGet("/{accountName}", ctx => state.ReplyAsync(ctx, () => new ArmReply(200, state.Resources.Render(Find(ctx)))));
        accounts.MapPut("/{accountName}", ctx => state.ReplyAsync(ctx, () => Put(ctx)));
        accounts.MapPatch("/{accountName}", ctx => state.ReplyAsync(ctx, () => Patch(ctx)));
        accounts.MapDelete("/{accountName}", ctx => state.ReplyAsync(ctx, () => Delete(ctx)));
        accounts.MapPost("/{accountName}/listKeys", ctx => state.ReplyAsync(ctx, () => KeysReply(Keys(Find(ctx)))));
        accounts.MapPost("/{accountName}/regenerateKey", ctx => state.ReplyAsync(ctx, () => RegenerateKey(ctx)));
        MapPrivateEndpointConnections(accounts);
        MapDeployments(accounts);
        MapRaiPolicies(accounts);
        MapRaiBlocklists(accounts);
        MapDefenderForAISettings(accounts);
    }

    private ArmReply List(HttpContext ctx, string? resourceGroup)
    {
        var subscriptionId = (string)ctx.GetRouteValue(ArmPipeline.SubscriptionId)!;
        var items = state.Resources.Query(subscriptionId, resourceGroup, AccountType).Select(r => (JsonNode)state.Resources.Render(r)).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize);
    }

    /// <summary>Create (201) or replace (200) the whole account; the body becomes the stored account.</summary>
    private ArmReply Put(HttpContext ctx)
    {
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ReadOnlyPaths);
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.BadRequest("LocationRequired", "The location property is required for this definition.");
        if (string.IsNullOrWhiteSpace(body["sku"].StringAt("name")))
            throw ArmErrors.BadRequest("SkuRequired", "The sku property (with a name, e.g. S0) is required for this definition.");
        if (string.IsNullOrWhiteSpace(body.StringAt("kind")))
            throw ArmErrors.BadRequest("KindRequired", "The kind property (e.g. OpenAI) is required for this definition.");

        var existing = TryFind(ctx);
        if (existing is not null)
        {
            CheckLocationUnchanged(existing, body);
            if (!string.Equals(existing.Body.StringAt("kind"), body.StringAt("kind"), StringComparison.OrdinalIgnoreCase))
                throw ArmErrors.BadRequest("UpdateKindNotAllowed", "It's not allowed to update kind of API account.");
            var previousProperties = existing.Body["properties"] as JsonObject;
            foreach (var fact in CreationFacts)
                if (previousProperties?[fact] is { } value)
                    body.ObjectAt("properties")[fact] = value.DeepClone();
        }

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var name = (string)ctx.GetRouteValue("accountName")!;
        var id = ResourceIds.For(subscriptionId, resourceGroup, AccountType, name);
        ManagedIdentity.Assign(body, existing?.Body, state.TenantId, id, state.Resources); // before Add: a refused identity creates nothing
        ApplyEncryption(body, body, name); // judged on the result (identity included), before anything is stored
        var resource = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, AccountType, name, body);
        resource.Body = body;
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, acceptedStatus: existing is null ? 201 : 200, withBody: true);
    }

    /// <summary>JSON merge patch onto the stored account (unknown fields survive).</summary>
    private ArmReply Patch(HttpContext ctx)
    {
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ReadOnlyPaths);
        var resource = Find(ctx);
        CheckLocationUnchanged(resource, patch);
        var body = (JsonObject)resource.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        ManagedIdentity.Assign(body, resource.Body, state.TenantId, resource.Id, state.Resources);
        ApplyEncryption(patch, body, resource.Name);
        resource.Body = body;
        return StartOperation(ctx, resource, OperationKind.Update, acceptedStatus: 202, withBody: true);
    }

    /// <summary>202 and an operation; deleting an account that is not there is a success (204), as in ARM.</summary>
    private ArmReply Delete(HttpContext ctx) =>
        TryFind(ctx) is { } resource
            ? StartOperation(ctx, resource, OperationKind.Delete, acceptedStatus: 202, withBody: false)
            : new ArmReply(204);

    private ArmReply StartOperation(HttpContext ctx, ArmResource resource, OperationKind kind, int acceptedStatus, bool withBody)
    {
        var location = Normalize(resource.Body.StringAt("location") ?? "global");
        var op = state.Operations.Start(state.Resources, resource, kind, Namespace, location,
            state.Config.LroPolls, ArmPipeline.TakeOperationFault(ctx, state));
        return Lro.Answer(ctx, state, op, acceptedStatus, withBody);
    }

    private ArmReply RegenerateKey(HttpContext ctx)
    {
        var keyName = RequestBody.RequireObject(ctx).StringAt("keyName");
        var resource = Find(ctx);
        var keys = Keys(resource);
        resource.Keys = keyName?.ToLowerInvariant() switch
        {
            "key1" => keys with { Key1 = ApiKeys.NewKey() },
            "key2" => keys with { Key2 = ApiKeys.NewKey() },
            _ => throw ArmErrors.BadRequest("InvalidKeyName", $"The keyName '{keyName}' is invalid. Valid values are 'Key1' and 'Key2'."),
        };
        return KeysReply(resource.Keys);
    }

    /// <summary>The account's keys (created on first use); refused, as in Azure, when local (key) auth is disabled.</summary>
    private static ApiKeys Keys(ArmResource resource)
    {
        if (resource.Body["properties"]?["disableLocalAuth"] is JsonValue flag && flag.TryGetValue<bool>(out var disabled) && disabled)
            throw ArmErrors.BadRequest("BadRequest", "Failed to list key. disableLocalAuth is set to be true");
        return resource.Keys ??= ApiKeys.New();
    }

    private static ArmReply KeysReply(ApiKeys keys) => new(200, new JsonObject { ["key1"] = keys.Key1, ["key2"] = keys.Key2 });

    /// <summary>Fills what ARM computes on every read (the examples' GetAccount.json shape).</summary>
    private void FillReadOnly(JsonObject json, ArmResource r)
    {
        var properties = json.ObjectAt("properties");
        FillPrivateEndpointConnections(properties, r);
        properties["endpoint"] = Endpoint(r.Body);
        properties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
        properties["dateCreated"] ??= r.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        properties["internalId"] ??= r.InternalId;
    }

    /// <summary>Custom subdomain endpoints (openai.azure.com for kind OpenAI), else the regional one.</summary>
    private static string Endpoint(JsonObject body)
    {
        var subdomain = body["properties"].StringAt("customSubDomainName");
        if (string.IsNullOrEmpty(subdomain))
            return $"https://{Normalize(body.StringAt("location") ?? "global")}.api.cognitive.microsoft.com/";
        var domain = string.Equals(body.StringAt("kind"), "OpenAI", StringComparison.OrdinalIgnoreCase) ? "openai.azure.com" : "cognitiveservices.azure.com";
        return $"https://{subdomain.ToLowerInvariant()}.{domain}/";
    }

    private static string Normalize(string location) => ArmLocation.Normalize(location);

    private static void CheckLocationUnchanged(ArmResource existing, JsonObject body)
    {
        var requested = body.StringAt("location");
        var current = existing.Body.StringAt("location") ?? "";
        if (requested is not null && Normalize(requested) != Normalize(current))
            throw ArmErrors.InvalidResourceLocation(existing.Name, existing.ResourceGroup, Normalize(current), Normalize(requested));
    }


    private ArmResource? TryFind(HttpContext ctx)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return state.Resources.Find(ResourceIds.For(subscriptionId, resourceGroup, AccountType, (string)ctx.GetRouteValue("accountName")!));
    }

    private ArmResource Find(HttpContext ctx) => TryFind(ctx) ?? throw ArmErrors.ResourceNotFound(
        $"{AccountType}/{ctx.GetRouteValue("accountName")}", (string)ctx.GetRouteValue(ArmPipeline.ResourceGroupName)!);
}
