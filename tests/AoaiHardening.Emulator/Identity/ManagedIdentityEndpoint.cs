using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Identity;

/// <summary>
/// The local token endpoint of an Azure Automation sandbox (the App Service protocol, api-version 2019-08-01), which a
/// runbook finds through <c>IDENTITY_ENDPOINT</c> and must call with <c>X-IDENTITY-HEADER: $IDENTITY_HEADER</c>:
/// <c>GET {endpoint}?api-version=2019-08-01&amp;resource=…[&amp;client_id=…]</c>. Without the right header it refuses, as the
/// sandbox does, so a client that falls back to IMDS or forgets the header fails here. Requests go to the request log
/// (never the header's value, nor the token).
/// </summary>
internal sealed class ManagedIdentityEndpoint(EmulatorState state)
{
    public const string Path = "/msi/token";
    public const string ApiVersion = "2019-08-01";
    public const string HeaderName = "X-IDENTITY-HEADER";

    /// <summary>The value IDENTITY_HEADER holds in this sandbox; new per emulator process, read through the control API.</summary>
    public string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>The automation account's system-assigned identity.</summary>
    public string ClientId { get; } = "7d3c0b7e-8f0e-4c55-9b3a-5a1d2c0e9f11";
    public string PrincipalId { get; } = "4b1f3e0a-2d6c-4e8f-a1b2-c3d4e5f6a7b8";

    public async Task InvokeAsync(HttpContext ctx)
    {
        var seq = state.Requests.NextSeq();
        var arrived = DateTimeOffset.UtcNow;
        var request = ctx.Request;
        try
        {
            var (status, body) = Answer(ctx);
            await HttpJson.WriteAsync(ctx, status, body);
        }
        finally
        {
            state.Requests.Add(new LoggedRequest(seq, arrived, request.Method, request.Path.Value ?? "", request.QueryString.Value?.TrimStart('?') ?? "",
                request.Query["api-version"].FirstOrDefault(), ctx.Response.StatusCode, request.Headers.UserAgent.FirstOrDefault(),
                HasAuthorization: request.Headers.ContainsKey(HeaderName), null, null, null, request.Host.Host));
        }
    }

    private (int Status, JsonObject Body) Answer(HttpContext ctx)
    {
        var request = ctx.Request;
        if (!HttpMethods.IsGet(request.Method))
            return Error(405, "invalid_request", "Only GET is supported.");
        var header = request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(header) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(Secret)))
            return Error(401, "unauthorized_client", $"The {HeaderName} header is missing or wrong.");
        if (request.Query["api-version"].FirstOrDefault() != ApiVersion)
            return Error(400, "invalid_request", $"api-version must be {ApiVersion}.");
        var resource = request.Query["resource"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(resource) || !Uri.TryCreate(resource, UriKind.Absolute, out _))
            return Error(400, "invalid_resource", "The 'resource' parameter is missing or not an absolute URI.");
        // A user-assigned identity the sandbox does not have (client_id, principal_id or mi_res_id) is refused.
        foreach (var selector in new[] { "client_id", "principal_id", "object_id", "mi_res_id" })
        {
            var value = request.Query[selector].FirstOrDefault();
            if (!string.IsNullOrEmpty(value) && !string.Equals(value, selector == "client_id" ? ClientId : PrincipalId, StringComparison.OrdinalIgnoreCase))
                return Error(400, "invalid_request", $"No managed identity with {selector} '{value}' is assigned to this account.");
        }

        var audience = resource.TrimEnd('/');
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var token = Token(audience, expires);
        return (200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = ClientId,
        });
    }

    /// <summary>A JWT the data planes can read the audience of; unsigned, as nothing here validates signatures.</summary>
    private string Token(string audience, long expires)
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"none","typ":"JWT"}""");
        var payload = B64(new JsonObject
        {
            ["aud"] = audience,
            ["exp"] = expires,
            ["oid"] = PrincipalId,
            ["appid"] = ClientId,
            ["tid"] = state.TenantId,
            ["idtyp"] = "app",
        }.ToJsonString());
        return $"{header}.{payload}.mi-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant()}";
    }

    private static (int, JsonObject) Error(int status, string code, string description) =>
        (status, new JsonObject { ["error"] = code, ["error_description"] = description });
}
