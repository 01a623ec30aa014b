using System;
using Azure.Core;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// How the session reaches one data plane (Key Vault, Azure OpenAI): the credential to ask for its token, or why there
    /// is none. A token passed for one audience is never sent to another, so a session connected with -AccessToken (an ARM
    /// token) reaches a data plane only with the token given next to it (-KeyVaultAccessToken, -DataPlaneAccessToken).
    /// </summary>
    internal sealed class DataPlaneAccess
    {
        private DataPlaneAccess(TokenCredential? credential, string? unavailableReason, bool isStaticToken)
        {
            Credential = credential;
            UnavailableReason = unavailableReason;
            IsStaticToken = isStaticToken;
        }

        /// <summary>Null when <see cref="UnavailableReason"/> says why the data plane cannot be reached.</summary>
        public TokenCredential? Credential { get; }

        public string? UnavailableReason { get; }

        /// <summary>True for a token the caller passed: its audience is fixed, so a 401 may mean the wrong one was given.</summary>
        public bool IsStaticToken { get; }

        /// <summary>The sign-in's own credential: it can get a token for any audience (the client asks for the data plane's scope).</summary>
        public static DataPlaneAccess SameAs(TokenCredential credential) => new DataPlaneAccess(credential, null, false);

        /// <summary>A token for this data plane the caller already has.</summary>
        public static DataPlaneAccess FromToken(TokenCredential credential) => new DataPlaneAccess(credential, null, true);

        public static DataPlaneAccess Unavailable(string reason) => new DataPlaneAccess(null, reason, false);

        /// <summary>The credential, or an InvalidOperationException that says how to get one (before any request is sent).</summary>
        public TokenCredential RequireCredential() =>
            Credential ?? throw new InvalidOperationException(UnavailableReason ?? "No credential for this data plane.");
    }
}
