using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.KeyVault;

/// <summary>
/// The secrets part of Key Vault's data plane, for requests addressed to <c>{vault}.vault.azure.net</c> (and the China and
/// US Government suffixes). Routed by Host header, so it never meets an ARM route. Per request, in this order: the
/// bearer challenge (no token → 401 with WWW-Authenticate, as Key Vault answers the first request of every client), the
/// audience of a JWT, injected faults, api-version, then the operation. An unauthenticated challenge round trip never
/// consumes a fault: faults shape what the client sends once it is authenticated.
/// </summary>
internal sealed partial class KeyVaultDataPlane(EmulatorState state)
{
    /// <summary>The service versions Azure.Security.KeyVault.Secrets 4.12.0 can send (its ServiceVersion enum).</summary>
    public static readonly string[] Versions = ["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"];

    private const int DefaultMaxResults = 25;
    private const int MaxTags = 15;
    public async Task InvokeAsync(HttpContext ctx, KeyVaultHost host)
    {
        var seq = state.Requests.NextSeq();
        var arrived = DateTimeOffset.UtcNow;
        var request = ctx.Request;
        var body = await RequestBody.ReadAsync(ctx);
        var reset = false;
        try
        {
            AddStandardHeaders(ctx);
            var tenantId = Challenge(ctx, host);
            Authenticate(ctx, host, tenantId);

            if (!await DataPlaneRequests.ApplyFaultAsync(ctx, state, host.Host))
            {
                reset = true;
                return;
            }

            var apiVersion = CheckApiVersion(ctx);
            await state.ReplyAsync(ctx, () => Route(ctx, host, apiVersion));
        }
        catch (ArmException error) when (!ctx.Response.HasStarted)
        {
            await error.ToReply().WriteAsync(ctx);
        }
        catch (Exception bug) when (bug is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            ctx.RequestServices.GetRequiredService<ILogger<KeyVaultDataPlane>>().LogError(bug, "Emulator failure on {Method} {Host}{Path}", request.Method, host.Host, request.Path);
            await HttpJson.WriteAsync(ctx, 500, ArmErrors.Envelope("InternalServerError", $"Emulator failure: {bug.Message}"));
        }
        finally
        {
            DataPlaneRequests.Log(ctx, state, seq, arrived, host.Host, Redacted(body.Json), request.Headers.Authorization.Count > 0, reset);
        }
    }

    /// <summary>A secret's value never reaches the request log: tests (and their output) must not see keys there either.</summary>
    private static JsonNode? Redacted(JsonNode? body)
    {
        if (body is not JsonObject obj || !obj.ContainsKey("value"))
            return body?.DeepClone();
        var copy = (JsonObject)obj.DeepClone();
        copy["value"] = "<redacted>";
        return copy;
    }

    private static void AddStandardHeaders(HttpContext ctx)
    {
        var headers = ctx.Response.Headers;
        headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        headers["x-ms-keyvault-region"] = "eastus";
        headers["x-ms-keyvault-service-version"] = "1.9.2500.1";
        if (ctx.Request.Headers["x-ms-client-request-id"].FirstOrDefault() is { } clientRequestId)
            headers["x-ms-client-request-id"] = clientRequestId;
        headers.CacheControl = "no-cache";
    }

    /// <summary>
    /// The vault must exist (through the proxy an unknown vault fails like a DNS lookup; a client that reaches Kestrel
    /// directly with such a Host header gets a 404 saying so). Without a token: Key Vault's challenge. Returns the vault's tenant.
    /// </summary>
    private string Challenge(HttpContext ctx, KeyVaultHost host)
    {
        string tenantId;
        lock (state.Gate)
        {
            var vault = state.FindVault(host.VaultName)
                ?? throw new ArmException(404, "VaultNotFound", $"The emulator has no vault named '{host.VaultName}' (a real client would fail to resolve {host.Host}).");
            tenantId = vault.Body["properties"].StringAt("tenantId") ?? state.TenantId;
        }
        if (ctx.Request.Headers.Authorization.Count == 0)
            throw Unauthorized(host, tenantId, "AKV10000: Request is missing a Bearer or PoP token.");
        return tenantId;
    }

    /// <summary>
    /// A bearer token is required. A JWT must be for this cloud's Key Vault (aud, trailing slash optional); opaque tokens
    /// pass, since there is no identity provider to validate them. The token is never stored or logged.
    /// </summary>
    private static void Authenticate(HttpContext ctx, KeyVaultHost host, string tenantId)
    {
        var token = Jwt.BearerToken(ctx.Request);
        if (token.Length == 0)
            throw Unauthorized(host, tenantId, "AKV10001: Authorization header is not in the expected format: Bearer <token>.");
        if (Jwt.Audience(token) is { } audience && !audience.TrimEnd('/').Equals(host.Resource, StringComparison.OrdinalIgnoreCase))
            throw Unauthorized(host, tenantId, $"AKV10022: Invalid audience. Expected {host.Resource}, found: {audience}.");
    }

    private static ArmException Unauthorized(KeyVaultHost host, string tenantId, string message) =>
        new ArmException(401, "Unauthorized", message).WithHeader("WWW-Authenticate",
            $"Bearer authorization=\"https://login.microsoftonline.com/{tenantId}\", resource=\"{host.Resource}\"");

    private static string CheckApiVersion(HttpContext ctx)
    {
        var version = ctx.Request.Query["api-version"].ToString();
        if (version.Length == 0)
            throw BadParameter("The 'api-version' query parameter is required.");
        if (!Versions.Contains(version, StringComparer.Ordinal))
            throw BadParameter($"The specified version ({version}) is not recognized. Consider using the latest supported version ({Versions[^1]}).");
        return version;
    }

    /// <summary>Runs under <see cref="EmulatorState.Gate"/>: the secrets operations this emulator implements.</summary>
    private ArmReply Route(HttpContext ctx, KeyVaultHost host, string apiVersion)
    {
        // "/secrets/name/" (an empty version) is how the SDK asks for the latest version.
        var segments = (ctx.Request.Path.Value ?? "/").Split('/')[1..];
        if (segments.Length > 0 && segments[^1].Length == 0 && segments.Length > 1)
            segments = segments[..^1];
        var method = ctx.Request.Method;
        if (segments.Length == 0 || !segments[0].Equals("secrets", StringComparison.OrdinalIgnoreCase))
            throw NotImplemented(ctx);

        switch (segments.Length)
        {
            case 1 when method == "GET":
                return List(ctx, host, apiVersion, state.Secrets.LatestOfEach(host.VaultName), withVersion: false, $"/secrets");
            case 2 when method == "PUT":
                return Set(ctx, host, CheckName(segments[1]));
            case 2 when method == "GET":
                return Bundle(host, Latest(host, CheckName(segments[1])));
            case 3 when method == "GET" && segments[2].Equals("versions", StringComparison.OrdinalIgnoreCase):
                var name = CheckName(segments[1]);
                var versions = state.Secrets.Versions(host.VaultName, name);
                if (versions.Count == 0)
                    throw SecretNotFound(name);
                return List(ctx, host, apiVersion, versions, withVersion: true, $"/secrets/{versions[0].Name}/versions");
            case 3 when method == "GET":
                var secretName = CheckName(segments[1]);
                return Bundle(host, state.Secrets.Find(host.VaultName, secretName, segments[2]) ?? throw SecretNotFound($"{secretName}/{segments[2]}"));
            default:
                throw NotImplemented(ctx);
        }
    }

    private SecretVersion Latest(KeyVaultHost host, string name) =>
        state.Secrets.Latest(host.VaultName, name) ?? throw SecretNotFound(name);

    /// <summary>SetSecret: every PUT is a new version; the answer is the new version's bundle, value included.</summary>
    private ArmReply Set(HttpContext ctx, KeyVaultHost host, string name)
    {
        JsonObject body;
        try
        {
            body = RequestBody.RequireObject(ctx);
        }
        catch (ArmException e)
        {
            throw BadParameter(e.Message);
        }
        if (body["value"] is not JsonValue valueNode || !valueNode.TryGetValue<string>(out var value))
            throw BadParameter("Property 'value' is required and must be a string.");
        var contentType = body["contentType"] is JsonValue ct && ct.TryGetValue<string>(out var s) ? s : null;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body["tags"] is JsonObject tagObject)
        {
            foreach (var (tag, tagValue) in tagObject)
            {
                if (tagValue is not JsonValue v || !v.TryGetValue<string>(out var text))
                    throw BadParameter($"Tag '{tag}' must have a string value.");
                if (tag.Length > 512 || text.Length > 256)
                    throw BadParameter($"Tag '{tag}' is too long (names at most 512 characters, values at most 256).");
                tags[tag] = text;
            }
            if (tags.Count > MaxTags)
                throw BadParameter($"A secret can have at most {MaxTags} tags.");
        }
        var enabled = body["attributes"]?["enabled"] is not JsonValue e2 || !e2.TryGetValue<bool>(out var flag) || flag;
        return Bundle(host, state.Secrets.Set(host.VaultName, name, value, contentType, tags, enabled));
    }

    private ArmReply Bundle(KeyVaultHost host, SecretVersion secret)
    {
        var json = new JsonObject { ["value"] = secret.Value };
        foreach (var (key, value) in Item(host, secret, withVersion: true).ToList())
            json[key] = value?.DeepClone();
        return new ArmReply(200, json);
    }

    /// <summary>A SecretItem (what lists return: no value) or the start of a SecretBundle.</summary>
    private JsonObject Item(KeyVaultHost host, SecretVersion secret, bool withVersion)
    {
        var json = new JsonObject
        {
            ["id"] = $"https://{host.Host}/secrets/{secret.Name}" + (withVersion ? $"/{secret.Version}" : ""),
            ["attributes"] = Attributes(secret),
        };
        if (secret.ContentType is not null)
            json["contentType"] = secret.ContentType;
        if (secret.Tags.Count > 0)
            json["tags"] = new JsonObject(secret.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value)));
        return json;
    }

    /// <summary>Times in Unix seconds; the recovery level follows the vault's soft-delete and purge-protection settings.</summary>
    private JsonObject Attributes(SecretVersion secret)
    {
        var properties = state.FindVault(secret.Vault)?.Body["properties"];
        var softDelete = Flag(properties, "enableSoftDelete") ?? true; // on by default for vaults since 2020
        var purgeProtection = Flag(properties, "enablePurgeProtection") ?? false;
        var days = properties?["softDeleteRetentionInDays"] is JsonValue d && d.TryGetValue<int>(out var n) ? n : 90;
        var attributes = new JsonObject
        {
            ["enabled"] = secret.Enabled,
            ["created"] = secret.Created.ToUnixTimeSeconds(),
            ["updated"] = secret.Updated.ToUnixTimeSeconds(),
            ["recoveryLevel"] = !softDelete ? "Purgeable" : purgeProtection ? "Recoverable" : "Recoverable+Purgeable",
        };
        if (softDelete)
            attributes["recoverableDays"] = days;
        return attributes;
    }

    private static bool? Flag(JsonNode? properties, string name) =>
        properties?[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>Key Vault's list paging: <c>maxresults</c> (1-25) per page, an opaque <c>$skiptoken</c> in an absolute nextLink.</summary>
    private ArmReply List(HttpContext ctx, KeyVaultHost host, string apiVersion, IReadOnlyList<SecretVersion> all, bool withVersion, string path)
    {
        var maxResults = DefaultMaxResults;
        var max = ctx.Request.Query["maxresults"].ToString();
        if (max.Length > 0 && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults is < 1 or > 25))
            throw BadParameter($"Invalid value for maxresults: '{max}'. It must be between 1 and 25.");
        var skip = 0;
        var token = ctx.Request.Query["$skiptoken"].ToString();
        if (token.Length > 0 && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip > all.Count))
            throw BadParameter($"The skip token '{token}' is invalid.");

        var page = all.Skip(skip).Take(maxResults).Select(v => (JsonNode)Item(host, v, withVersion)).ToArray();
        var next = skip + maxResults < all.Count
            ? $"https://{host.Host}{path}?api-version={Uri.EscapeDataString(apiVersion)}&$skiptoken={skip + maxResults}&maxresults={maxResults}"
            : null;
        return new ArmReply(200, new JsonObject { ["value"] = new JsonArray(page), ["nextLink"] = next });
    }

    private static string CheckName(string name) =>
        SecretName().IsMatch(name) ? name : throw BadParameter($"The request URI contains an invalid name: {name}");

    private static ArmException SecretNotFound(string nameOrId) => new(404, "SecretNotFound",
        $"A secret with (name/id) {nameOrId} was not found in this key vault. If you recently deleted this secret you may be able " +
        "to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182");

    private static ArmException BadParameter(string message) => new(400, "BadParameter", message);

    private static ArmException NotImplemented(HttpContext ctx) =>
        BadParameter($"The emulator's Key Vault implements only secrets get, set, list and list versions, not {ctx.Request.Method} {ctx.Request.Path}.");

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretName();
}
