using System;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// A credential over a token the caller already has (e.g. from Get-AzAccessToken). The token stays in a
    /// SecureString and is materialised only when the pipeline asks for it. Expiry is read from the JWT when present.
    /// </summary>
    internal sealed class StaticTokenCredential : TokenCredential
    {
        private readonly SecureString _token;
        private readonly DateTimeOffset _expiresOn;

        public StaticTokenCredential(SecureString token)
        {
            _token = token.Copy();
            _token.MakeReadOnly();
            _expiresOn = ReadJwtExpiry(SecureStrings.ToPlain(_token)) ?? DateTimeOffset.UtcNow.AddHours(1);
        }

        public DateTimeOffset ExpiresOn => _expiresOn;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new AccessToken(SecureStrings.ToPlain(_token), _expiresOn);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

        /// <summary>The exp claim of a JWT, or null if the token is not a JWT (opaque tokens are allowed).</summary>
        internal static DateTimeOffset? ReadJwtExpiry(string token)
        {
            var parts = token.Split('.');
            if (parts.Length != 3) return null;
            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
                using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
                return doc.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : (DateTimeOffset?)null;
            }
            catch (Exception e) when (e is FormatException || e is JsonException || e is ArgumentException)
            {
                return null;
            }
        }
    }

    internal static class SecureStrings
    {
        public static string ToPlain(SecureString value)
        {
            var ptr = System.Runtime.InteropServices.Marshal.SecureStringToGlobalAllocUnicode(value);
            try { return System.Runtime.InteropServices.Marshal.PtrToStringUni(ptr) ?? string.Empty; }
            finally { System.Runtime.InteropServices.Marshal.ZeroFreeGlobalAllocUnicode(ptr); }
        }
    }
}
