using System.Text.Json;
using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Identity;
using AoaiHardening.Emulator.KeyVault;
using AoaiHardening.Emulator.Providers;

namespace AoaiHardening.Emulator.Control;

/// <summary>
/// /_emulator: lets out-of-process tests (Pester) seed state, inject faults and read what the client did.
/// No auth and not in the request log: it is the test's side channel, not part of the ARM surface.
/// </summary>
internal static class ControlApi
{
    public const string Prefix = "/_emulator";

    public static void Map(IEndpointRouteBuilder routes, EmulatorState state, Func<Uri?> proxyUrl, ManagedIdentityEndpoint identity)
    {
        var control = routes.MapGroup(Prefix);
        // What an Azure Automation sandbox puts in IDENTITY_ENDPOINT and IDENTITY_HEADER, for a runbook test to set.
        control.MapGet("/identity", ctx => HttpJson.WriteAsync(ctx, 200, new JsonObject
        {
            ["endpoint"] = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ManagedIdentityEndpoint.Path}",
            ["header"] = identity.Secret,
            ["clientId"] = identity.ClientId,
            ["principalId"] = identity.PrincipalId,
        }));
        control.MapGet("/health", ctx => HttpJson.WriteAsync(ctx, 200, new JsonObject
        {
            ["status"] = "Healthy",
            ["proxyUrl"] = proxyUrl()?.GetLeftPart(UriPartial.Authority),
        }));

        control.MapPost("/scenario", async ctx =>
        {
            state.LoadScenario(await ReadTextAsync(ctx));
            await HttpJson.WriteAsync(ctx, 200, Summary(state));
        });
        control.MapPost("/reset", ctx =>
        {
            state.Reset();
            return HttpJson.WriteAsync(ctx, 200, Summary(state));
        });

        control.MapGet("/requests", ctx => HttpJson.WriteAsync(ctx, 200, new { value = state.Requests.Snapshot() }));
        control.MapDelete("/requests", ctx =>
        {
            state.Requests.Clear();
            return HttpJson.WriteAsync(ctx, 204, null);
        });

        control.MapGet("/faults", ctx => HttpJson.WriteAsync(ctx, 200, new { value = state.Faults.Pending().Select(FaultJson) }));
        control.MapPost("/faults", async ctx =>
        {
            var fault = await ReadAsync<FaultSpec>(ctx);
            state.Faults.Add(fault);
            await HttpJson.WriteAsync(ctx, 201, FaultJson(new PendingFault(fault, fault.Count)));
        });
        control.MapDelete("/faults", ctx =>
        {
            state.Faults.Clear();
            return HttpJson.WriteAsync(ctx, 204, null);
        });

        control.MapGet("/config", ctx => HttpJson.WriteAsync(ctx, 200, state.Config));
        control.MapPost("/config", async ctx =>
        {
            state.Config = (await ReadAsync<ConfigPatch>(ctx)).ApplyTo(state.Config);
            await HttpJson.WriteAsync(ctx, 200, state.Config);
        });

        // A generated tenant for scale tests, added to the current state (load the scenario first).
        control.MapPost("/fleet", async ctx =>
        {
            var text = await ReadTextAsync(ctx);
            var spec = text.Trim().Length == 0 ? new FleetSpec()
                : JsonSerializer.Deserialize<FleetSpec>(text, HttpJson.Options) ?? new FleetSpec();
            var result = state.AddFleet(spec);
            await HttpJson.WriteAsync(ctx, 200, result);
        });

        control.MapGet("/resources", ctx =>
            HttpJson.WriteAsync(ctx, 200, new JsonObject { ["value"] = new JsonArray([.. state.GetResources(ctx.Request.Query["type"].FirstOrDefault())]) }));

        // Secrets with their values, for assertions: tests compare them with account keys without printing either.
        control.MapGet("/keyvault/{vault}/secrets/{name}", ctx =>
        {
            var vault = (string)ctx.GetRouteValue("vault")!;
            var name = (string)ctx.GetRouteValue("name")!;
            var versions = state.GetSecretVersions(vault, name);
            return versions.Count == 0
                ? HttpJson.WriteAsync(ctx, 404, ArmErrors.Envelope("SecretNotFound", $"Vault '{vault}' has no secret '{name}'."))
                : HttpJson.WriteAsync(ctx, 200, new JsonObject
                {
                    ["vault"] = vault,
                    ["name"] = versions[0].Name,
                    ["versions"] = new JsonArray([.. versions.Select(SecretJson)]),
                });
        });
        control.MapGet("/keyvault/{vault}/secrets", ctx =>
        {
            var vault = (string)ctx.GetRouteValue("vault")!;
            IReadOnlyList<SecretVersion> latest;
            lock (state.Gate)
                latest = state.Secrets.LatestOfEach(vault);
            return HttpJson.WriteAsync(ctx, 200, new JsonObject { ["value"] = new JsonArray([.. latest.Select(v => (JsonNode)v.Name)]) });
        });

        // Key versions ARM cannot make: a rotation (data plane or auto-rotation) and a version switched off.
        control.MapPost("/keyvault/{vault}/keys/{name}/rotate", ctx =>
        {
            var (vault, name) = ((string)ctx.GetRouteValue("vault")!, (string)ctx.GetRouteValue("name")!);
            return KeyVaultProvider.RotateKey(state, vault, name) is { } version
                ? HttpJson.WriteAsync(ctx, 200, version)
                : HttpJson.WriteAsync(ctx, 404, ArmErrors.Envelope("KeyNotFound", $"Vault '{vault}' has no key '{name}'."));
        });
        control.MapPost("/keyvault/{vault}/keys/{name}/versions/{version}", async ctx =>
        {
            var (vault, name, version) = ((string)ctx.GetRouteValue("vault")!, (string)ctx.GetRouteValue("name")!, (string)ctx.GetRouteValue("version")!);
            var body = JsonNode.Parse(await ReadTextAsync(ctx)) as JsonObject;
            if (body?["enabled"] is not JsonValue flag || !flag.TryGetValue<bool>(out var enabled))
                throw new ArgumentException("The body must be {\"enabled\": true|false}.");
            await (KeyVaultProvider.SetVersionEnabled(state, vault, name, version, enabled) is { } updated
                ? HttpJson.WriteAsync(ctx, 200, updated)
                : HttpJson.WriteAsync(ctx, 404, ArmErrors.Envelope("KeyNotFound", $"Vault '{vault}' has no key '{name}' with version '{version}'.")));
        });

        // An account's current keys (what listKeys would return), also when key auth is off.
        control.MapGet("/accounts/keys", ctx =>
        {
            var id = ctx.Request.Query["id"].ToString();
            if (id.Length == 0)
                throw new ArgumentException("Pass the account's resource id as ?id=.");
            return state.GetAccountKeys(id) is { } keys
                ? HttpJson.WriteAsync(ctx, 200, new JsonObject { ["key1"] = keys.Key1, ["key2"] = keys.Key2 })
                : HttpJson.WriteAsync(ctx, 404, ArmErrors.Envelope("ResourceNotFound", $"No account '{id}'."));
        });
    }

    private static JsonNode SecretJson(SecretVersion v) => new JsonObject
    {
        ["version"] = v.Version,
        ["value"] = v.Value,
        ["contentType"] = v.ContentType,
        ["tags"] = new JsonObject(v.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
        ["enabled"] = v.Enabled,
        ["created"] = v.Created,
        ["updated"] = v.Updated,
    };

    /// <summary>Middleware for the control routes: bad input is the test author's mistake, so say what it was, as a 400.</summary>
    public static async Task CatchBadInput(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx);
        }
        catch (Exception e) when (e is ScenarioException or JsonException or ArgumentException && !ctx.Response.HasStarted)
        {
            await HttpJson.WriteAsync(ctx, 400, ArmErrors.Envelope("InvalidControlRequest", e.Message));
        }
    }

    private static JsonObject Summary(EmulatorState state) => new()
    {
        ["tenantId"] = state.TenantId,
        ["resources"] = state.GetResources().Count,
        ["config"] = JsonSerializer.SerializeToNode(state.Config, HttpJson.Options),
    };

    private static JsonObject FaultJson(PendingFault pending)
    {
        var json = JsonSerializer.SerializeToNode(pending.Spec, HttpJson.Options)!.AsObject();
        json["remaining"] = pending.Remaining;
        return json;
    }

    private static async Task<string> ReadTextAsync(HttpContext ctx) =>
        await new StreamReader(ctx.Request.Body).ReadToEndAsync(ctx.RequestAborted);

    private static async Task<T> ReadAsync<T>(HttpContext ctx) =>
        JsonSerializer.Deserialize<T>(await ReadTextAsync(ctx), HttpJson.Options)
        ?? throw new JsonException($"The body must be a JSON object ({typeof(T).Name}).");
}
