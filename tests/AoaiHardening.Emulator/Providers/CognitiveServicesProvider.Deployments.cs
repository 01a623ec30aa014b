using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Account deployments (arm-api.md §1.1, §1.3): list, get, PUT (long-running, final-state-via azure-async-operation),
/// PATCH of sku and tags (long-running, final-state-via location) and DELETE. A deployment names its content filter in
/// <c>properties.raiPolicyName</c>, which must exist on the account when given.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string DeploymentType = AccountType + "/deployments";

    private static readonly ArmApi DeploymentsApi = new(Namespace, "accounts/deployments", Versions);

    /// <summary>Server-owned: ignored on writes, computed on reads.</summary>
    private static readonly string[] DeploymentReadOnlyPaths =
    [
        .. ChildReadOnlyPaths, "properties.provisioningState", "properties.capabilities", "properties.rateLimits",
        "properties.callRateLimit", "properties.dynamicThrottlingEnabled", "properties.currentCapacity",
    ];

    private void RegisterDeployments() => RegisterChild(DeploymentType, FillDeployment);

    private void MapDeployments(RouteGroupBuilder accounts)
    {
        var deployments = accounts.MapGroup("/{accountName}/deployments").WithMetadata(DeploymentsApi);
        deployments.MapGet("", ctx => state.ReplyAsync(ctx, () => ListChildren(ctx, Find(ctx), DeploymentType)));
        deployments.MapGet("/{deploymentName}", ctx => state.ReplyAsync(ctx, () =>
            new ArmReply(200, state.Resources.Render(FindChild(Find(ctx), "deployments", Route(ctx, "deploymentName"), DeploymentType)))));
        deployments.MapPut("/{deploymentName}", ctx => state.ReplyAsync(ctx, () => PutDeployment(ctx)));
        deployments.MapPatch("/{deploymentName}", ctx => state.ReplyAsync(ctx, () => PatchDeployment(ctx)));
        deployments.MapDelete("/{deploymentName}", ctx => state.ReplyAsync(ctx, () =>
        {
            var account = Find(ctx);
            return DeleteChild(ctx, account, TryFindChild(account, "deployments", Route(ctx, "deploymentName"), DeploymentType), LroHeaders.Both);
        }));
    }

    /// <summary>
    /// Deployments_CreateOrUpdate: checked (model, sku, policy), then stored at once; 201 Creating / 200 Updating with the
    /// operation headers. Every refusal is a 400 that stores nothing.
    /// </summary>
    private ArmReply PutDeployment(HttpContext ctx)
    {
        var account = Find(ctx);
        var name = Route(ctx, "deploymentName");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(DeploymentReadOnlyPaths);
        var model = body["properties"]?["model"];
        if (string.IsNullOrWhiteSpace(model.StringAt("format")) || string.IsNullOrWhiteSpace(model.StringAt("name")))
            throw ArmErrors.BadRequest("InvalidResourceProperties",
                "The deployment's properties.model.format and properties.model.name are required (e.g. OpenAI, gpt-4o).");
        CheckSku(body);
        if (body["properties"] is JsonObject properties && properties.ContainsKey("raiPolicyName"))
        {
            var policy = properties.StringAt("raiPolicyName");
            if (policy is null || FindPolicy(account, policy) is null)
                throw ArmErrors.BadRequest("RaiPolicyNotFound",
                    $"The RAI policy '{properties["raiPolicyName"]?.ToJsonString() ?? "null"}' does not exist on account '{account.Name}'.");
        }

        var (resource, created) = Upsert(account, "deployments", DeploymentType, name, body);
        return StartChildOperation(ctx, account, resource, OperationKind.CreateOrReplace, acceptedStatus: created ? 201 : 200, withBody: true,
            LroHeaders.Both, runningState: created ? "Creating" : "Updating", syncStatus: created ? 201 : 200);
    }

    /// <summary>Deployments_Update: only <c>sku</c> and <c>tags</c> (merge patch); anything else in the body is ignored.</summary>
    private ArmReply PatchDeployment(HttpContext ctx)
    {
        var account = Find(ctx);
        var deployment = FindChild(account, "deployments", Route(ctx, "deploymentName"), DeploymentType);
        var request = RequestBody.RequireObject(ctx);
        var patch = new JsonObject();
        foreach (var field in new[] { "sku", "tags" })
            if (request.ContainsKey(field))
                patch[field] = request[field]?.DeepClone();
        var body = (JsonObject)deployment.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        CheckSku(body);
        deployment.Body = body;
        return StartChildOperation(ctx, account, deployment, OperationKind.Update, acceptedStatus: 202, withBody: true,
            LroHeaders.Location, runningState: "Updating");
    }

    private static void CheckSku(JsonObject body)
    {
        if (string.IsNullOrWhiteSpace(body["sku"].StringAt("name")))
            throw ArmErrors.BadRequest("InvalidSku", "The deployment's sku.name is required (e.g. Standard, GlobalStandard).");
    }

    /// <summary>Read-only fields on every read; a seed's own values (capabilities, rateLimits) are kept.</summary>
    private static void FillDeployment(JsonObject json, ArmResource r)
    {
        var properties = json.ObjectAt("properties");
        properties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
        properties["capabilities"] ??= Capabilities(properties["model"].StringAt("name"));
        if (json["sku"]?["capacity"] is JsonValue value && value.TryGetValue<int>(out var capacity))
        {
            properties["currentCapacity"] ??= capacity;
            // Azure's pairing for standard deployments: one unit = 1,000 tokens a minute and 6 requests a minute (1 per 10 s).
            properties["rateLimits"] ??= new JsonArray(
                new JsonObject { ["key"] = "request", ["renewalPeriod"] = 10, ["count"] = capacity },
                new JsonObject { ["key"] = "token", ["renewalPeriod"] = 60, ["count"] = capacity * 1000 });
        }
    }

    /// <summary>What the model can be called for, by model family (a guess at the real map's keys, enough to tell chat from embeddings).</summary>
    internal static JsonObject Capabilities(string? model)
    {
        var name = model?.ToLowerInvariant() ?? "";
        if (name.Contains("embedding", StringComparison.Ordinal) || name == "ada")
            return new JsonObject { ["embeddings"] = "true" };
        if (name.StartsWith("dall-e", StringComparison.Ordinal) || name.StartsWith("gpt-image", StringComparison.Ordinal))
            return new JsonObject { ["imageGenerations"] = "true" };
        if (name.StartsWith("whisper", StringComparison.Ordinal) || name.StartsWith("tts", StringComparison.Ordinal))
            return new JsonObject { ["audio"] = "true" };
        return new JsonObject { ["chatCompletion"] = "true" };
    }

    internal static string ShortDeploymentName(ArmResource deployment) => ShortName(deployment);

    /// <summary>The account's deployments (any state), for the data plane and the in-use checks. Caller holds the gate.</summary>
    internal static IEnumerable<ArmResource> Deployments(ResourceStore store, ArmResource account) => store.Children(account, DeploymentType);
}
