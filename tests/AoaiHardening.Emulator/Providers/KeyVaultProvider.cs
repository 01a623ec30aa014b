using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.KeyVault (management plane, 2026-02-01 and 2025-05-01): vaults, their access policies and keys. All
/// synchronous: a vault PUT answers its final body (Succeeded) at once, which 2025-05-01 allows and a 2026-02-01 client
/// (final-state location) also accepts. Soft delete and purge protection are one-way switches, as in Key Vault.
/// The data plane (secrets at {vault}.vault.azure.net) is <see cref="KeyVault.KeyVaultDataPlane"/>.
/// </summary>
internal sealed partial class KeyVaultProvider
{
    public const string Namespace = "Microsoft.KeyVault";
    public const string VaultType = EmulatorState.VaultType;

    private static readonly string[] Versions = ["2026-02-01", "2025-05-01"];
    private static readonly ArmApi Vaults = new(Namespace, "vaults", Versions);

    /// <summary>Server-owned fields a client may echo back: ignored on writes.</summary>
    private static readonly string[] ReadOnlyPaths =
    [
        "id", "name", "type", "etag", "systemData", "properties.provisioningState", "properties.vaultUri",
        "properties.hsmPoolResourceId", "properties.privateEndpointConnections",
    ];

    private readonly EmulatorState state;

    public KeyVaultProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterView(VaultType, FillVault);
        RegisterKeys();
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{VaultType}", ctx => Reply(ctx, () => ListVaults(ctx, resourceGroup: false))).WithMetadata(Vaults);

        var vaults = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{VaultType}")
            .WithMetadata(Vaults);
        vaults.MapGet("", ctx => Reply(ctx, () => ListVaults(ctx, resourceGroup: true)));
        vaults.MapGet("/{vaultName}", ctx => Reply(ctx, () => new ArmReply(200, state.Resources.Render(FindVault(ctx)))));
        vaults.MapPut("/{vaultName}", ctx => Reply(ctx, () => PutVault(ctx)));
        vaults.MapPatch("/{vaultName}", ctx => Reply(ctx, () => PatchVault(ctx)));
        vaults.MapDelete("/{vaultName}", ctx => Reply(ctx, () => DeleteVault(ctx)));
        vaults.MapPut("/{vaultName}/accessPolicies/{operationKind}", ctx => Reply(ctx, () => UpdateAccessPolicies(ctx)));
        MapKeys(vaults);
    }

    private Task Reply(HttpContext ctx, Func<ArmReply> build) => state.ReplyAsync(ctx, build);

    private ArmReply ListVaults(HttpContext ctx, bool resourceGroup) => Page(ctx,
        state.Resources.Query(Route(ctx, ArmPipeline.SubscriptionId), resourceGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null, VaultType));

    /// <summary>Paged; <c>$top</c> (the vault lists have it) bounds the page size.</summary>
    private ArmReply Page(HttpContext ctx, IEnumerable<ArmResource> items, Func<ArmResource, JsonNode>? render = null)
    {
        var top = int.TryParse(ctx.Request.Query["$top"].ToString(), out var t) && t > 0 ? Math.Min(t, state.Config.PageSize) : state.Config.PageSize;
        return Paging.Page(ctx, items.Select(render ?? (r => state.Resources.Render(r))).ToList(), top);
    }

    // ---------------------------------------------------------------- vaults

    /// <summary>Create (201) or replace (200); the final body at once.</summary>
    private ArmReply PutVault(HttpContext ctx)
    {
        var name = Route(ctx, "vaultName");
        if (!VaultName().IsMatch(name))
            throw ArmErrors.BadRequest("VaultNameNotValid",
                $"The vault name '{name}' is invalid. A vault's name must be between 3-24 alphanumeric characters or dashes.");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ReadOnlyPaths);
        if (string.IsNullOrWhiteSpace(body.StringAt("location")))
            throw ArmErrors.LocationRequired();
        if (body["properties"] is not JsonObject)
            throw ArmErrors.BadRequest("BadRequest", "The 'properties' of a vault (tenantId and sku at least) are required.");

        var existing = state.Resources.Find(IdFor(ctx, VaultType, name), VaultType);
        if (existing is not null)
        {
            var requested = ArmLocation.Normalize(body.StringAt("location")!);
            var current = ArmLocation.Normalize(existing.Body.StringAt("location") ?? "");
            if (requested != current)
                throw ArmErrors.InvalidResourceLocation(existing.Name, existing.ResourceGroup, current, requested);
            // The one-way switches survive a PUT that leaves them out.
            var properties = body.ObjectAt("properties");
            if (properties["enablePurgeProtection"] is null && PurgeProtection(existing.Body))
                properties["enablePurgeProtection"] = true;
            if (properties["enableSoftDelete"] is null && SoftDelete(existing.Body))
                properties["enableSoftDelete"] = true;
        }
        ValidateVault(body, existing?.Body);
        Complete(body, name);

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var resource = existing ?? state.Resources.Add(IdFor(ctx, VaultType, name), subscriptionId, resourceGroup, VaultType, name, body);
        resource.Body = body;
        resource.ProvisioningState = "Succeeded";
        resource.Touch();
        return new ArmReply(existing is null ? 201 : 200, state.Resources.Render(resource));
    }

    /// <summary>Merge patch (VaultPatchProperties): objects merge, arrays such as accessPolicies replace.</summary>
    private ArmReply PatchVault(HttpContext ctx)
    {
        var vault = FindVault(ctx);
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without([.. ReadOnlyPaths, "location"]);
        var body = (JsonObject)vault.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        ValidateVault(body, vault.Body, patch["properties"] as JsonObject ?? new JsonObject());
        Complete(body, vault.Name);
        vault.Body = body;
        vault.ProvisioningState = "Succeeded";
        vault.Touch();
        return new ArmReply(200, state.Resources.Render(vault));
    }

    /// <summary>200, or 204 when absent; the vault's keys go with it.</summary>
    private ArmReply DeleteVault(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, VaultType, Route(ctx, "vaultName")), VaultType) is not { } vault)
            return new ArmReply(204);
        state.Resources.Remove(vault);
        return new ArmReply(200);
    }

    /// <summary>
    /// tenantId (a GUID) and sku (family A, standard|premium) required; retention 7–90 days; soft delete and purge protection
    /// never go back to false, and purge protection is never accepted as false (Key Vault's rule: omit it instead).
    /// </summary>
    /// <param name="explicitProperties">The properties the request itself names (PATCH); null for a PUT (the whole body).</param>
    private static void ValidateVault(JsonObject body, JsonObject? previous, JsonObject? explicitProperties = null)
    {
        var properties = body.ObjectAt("properties");
        var requested = explicitProperties ?? properties;
        // A PATCH is checked on what it names: a seeded vault may lack tenantId or sku and still take a tags update.
        if ((explicitProperties is null || explicitProperties.ContainsKey("tenantId")) && !Guid.TryParse(properties.StringAt("tenantId"), out _))
            throw ArmErrors.BadRequest("InvalidTenantId",
                $"The vault's properties.tenantId '{properties["tenantId"]?.ToJsonString() ?? "(missing)"}' must be the GUID of the Entra tenant that authenticates requests to the vault.");
        var sku = properties["sku"] as JsonObject;
        var skuName = sku.StringAt("name");
        if ((explicitProperties is null || explicitProperties.ContainsKey("sku"))
            && (!string.Equals(sku.StringAt("family"), "A", StringComparison.OrdinalIgnoreCase)
                || skuName is null || !(skuName.Equals("standard", StringComparison.OrdinalIgnoreCase) || skuName.Equals("premium", StringComparison.OrdinalIgnoreCase))))
            throw ArmErrors.BadRequest("InvalidSku",
                $"The vault's properties.sku '{sku?.ToJsonString() ?? "(missing)"}' is invalid: family must be 'A' and name 'standard' or 'premium'.");

        if (requested["enablePurgeProtection"] is JsonValue purge && purge.TryGetValue<bool>(out var purgeOn) && !purgeOn)
            throw ArmErrors.BadRequest("BadRequest",
                "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.");
        if (previous is not null && SoftDelete(previous) && !SoftDelete(body))
            throw ArmErrors.BadRequest("BadRequest",
                "The property \"enableSoftDelete\" cannot be set to false. Enabling the soft delete for a vault is an irreversible action.");
        if (previous is not null && PurgeProtection(previous) && !PurgeProtection(body))
            throw ArmErrors.BadRequest("BadRequest",
                "The property \"enablePurgeProtection\" cannot be set to false. Enabling the purge protection for a vault is an irreversible action.");
        if (properties["softDeleteRetentionInDays"] is JsonNode retention
            && !(retention is JsonValue v && v.TryGetValue<int>(out var days) && days is >= 7 and <= 90))
            throw ArmErrors.BadRequest("BadRequest", $"The property \"softDeleteRetentionInDays\" ({retention.ToJsonString()}) must be between 7 and 90.");
        if (properties["accessPolicies"] is JsonNode policies)
            properties["accessPolicies"] = ParsePolicies(policies).Render();
    }

    /// <summary>What Key Vault fills on a write: defaults and the (read-only) vault URI.</summary>
    private static void Complete(JsonObject body, string name)
    {
        body["tags"] ??= new JsonObject(); // Key Vault answers tags: {} (the examples)
        var properties = body.ObjectAt("properties");
        properties["enableSoftDelete"] ??= true;
        if (SoftDelete(body))
            properties["softDeleteRetentionInDays"] ??= 90;
        properties["enableRbacAuthorization"] ??= false;
        properties["accessPolicies"] ??= new JsonArray();
        properties["vaultUri"] ??= $"https://{name.ToLowerInvariant()}.vault.azure.net/"; // a PUT has dropped the client's (read-only)
    }

    /// <summary>Soft delete is on unless explicitly false (Key Vault's default since 2020).</summary>
    internal static bool SoftDelete(JsonObject vaultBody) => Flag(vaultBody, "enableSoftDelete") ?? true;

    internal static bool PurgeProtection(JsonObject vaultBody) => Flag(vaultBody, "enablePurgeProtection") ?? false;

    internal static bool? Flag(JsonObject body, string property) =>
        body["properties"]?[property] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>The vault's data-plane URI: as stored (scenarios may give one), else the public-cloud one.</summary>
    internal static string VaultUri(ArmResource vault) =>
        vault.Body["properties"].StringAt("vaultUri") ?? $"https://{vault.Name.ToLowerInvariant()}.vault.azure.net/";

    /// <summary>Key Vault returns no etag on vaults (the examples have none); seeded vaults otherwise stay as given.</summary>
    private static void FillVault(JsonObject json, ArmResource r) => json.Remove("etag");

    // ---------------------------------------------------------------- shared


    private string IdFor(HttpContext ctx, string type, string name)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return ResourceIds.For(subscriptionId, resourceGroup, type, name);
    }

    private ArmResource FindVault(HttpContext ctx) =>
        state.Resources.Find(IdFor(ctx, VaultType, Route(ctx, "vaultName")), VaultType)
        ?? throw ArmErrors.ResourceNotFound($"{VaultType}/{Route(ctx, "vaultName")}", Route(ctx, ArmPipeline.ResourceGroupName));

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    [GeneratedRegex("^[a-zA-Z0-9-]{3,24}$")]
    private static partial Regex VaultName();
}
