using System.Text;
using System.Text.Json;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// The little the data planes read from a bearer token. Nothing here can validate a signature (there is no identity
/// provider), so only the audience is checked, as the services do first; opaque tokens pass.
/// </summary>
internal static class Jwt
{
    /// <summary>The aud claim of a JWT; null for an opaque token (or a JWT without aud).</summary>
    public static string? Audience(string token) => Claim(token, "aud");

    /// <summary>A string claim of a JWT (the first entry of an array claim; "" for another kind); null for an opaque token or a missing claim.</summary>
    public static string? Claim(string token, string name)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(name, out var claim))
                return null;
            return claim.ValueKind switch
            {
                JsonValueKind.String => claim.GetString(),
                JsonValueKind.Array => claim.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() : "").FirstOrDefault() ?? "",
                _ => "",
            };
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            return null; // not a JWT after all: an opaque token
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header; "" when the header is absent or another scheme.</summary>
    public static string BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
    }
}
