using System.Globalization;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// ARM's front-door bearer check. Tokens are not validated (there is no identity provider here), only required,
/// so a client that forgets to authenticate fails as it would against Azure. The token itself is never stored or logged.
/// </summary>
internal static class Auth
{
    /// <summary>A token of exactly this value is treated as expired, so clients can exercise their refresh path.</summary>
    public const string ExpiredToken = "expired";

    public static void Check(HttpContext ctx, string tenantId)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            throw Unauthorized(tenantId, "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");

        const string scheme = "Bearer ";
        var token = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (token.Length == 0)
            throw Unauthorized(tenantId, "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of invalid 'Authorization' header format.");

        if (token == ExpiredToken)
        {
            var now = DateTime.UtcNow;
            throw Unauthorized(tenantId, "ExpiredAuthenticationToken",
                $"The access token expiry UTC time '{UsTime(now.AddMinutes(-5))}' is earlier than current UTC time '{UsTime(now)}'.",
                "The access token has expired.");
        }
    }

    private static string UsTime(DateTime t) => t.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture);

    private static ArmException Unauthorized(string tenantId, string code, string message, string description) =>
        new ArmException(401, code, message).WithHeader("WWW-Authenticate",
            $"Bearer authorization_uri=\"https://login.microsoftonline.com/{tenantId}\", error=\"invalid_token\", error_description=\"{description}\"");
}
