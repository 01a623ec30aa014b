using System;
using Azure.Core;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// How the session reaches Key Vault's data plane: the credential to ask for a vault token, or why there is none.
    /// A token passed for one audience is never sent to another, so a session connected with -AccessToken (an ARM token)
    /// reaches Key Vault only with the -KeyVaultAccessToken given next to it.
    /// </summary>
    internal sealed class KeyVaultAccess
    {
        private KeyVaultAccess(TokenCredential? credential, string? unavailableReason)
        {
            Credential = credential;
            UnavailableReason = unavailableReason;
        }

        /// <summary>Null when <see cref="UnavailableReason"/> says why Key Vault cannot be reached.</summary>
        public TokenCredential? Credential { get; }

        public string? UnavailableReason { get; }

        /// <summary>The sign-in's own credential: it can get a token for any audience (the vault's scope comes from Key Vault's challenge).</summary>
        public static KeyVaultAccess SameAs(TokenCredential credential) => new KeyVaultAccess(credential, null);

        /// <summary>A token for Key Vault the caller already has.</summary>
        public static KeyVaultAccess FromToken(TokenCredential credential) => new KeyVaultAccess(credential, null);

        public static KeyVaultAccess Unavailable(string reason) => new KeyVaultAccess(null, reason);

        /// <summary>The credential, or an InvalidOperationException that says how to get one (before any request is sent).</summary>
        public TokenCredential RequireCredential() =>
            Credential ?? throw new InvalidOperationException(UnavailableReason ?? "No credential for Key Vault.");
    }
}
