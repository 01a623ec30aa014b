using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// Tokens of the Az PowerShell session (Connect-AoaiHardening -UseAzContext): Get-AzAccessToken, one token per audience.
    /// Get-AzAccessToken is a PowerShell command, which only the pipeline thread may run: that thread fetches and refreshes
    /// (before each cmdlet, during a scan, and inline when it asks for a token itself); worker threads read the cache.
    /// </summary>
    internal sealed class AzContextCredential : TokenCredential
    {
        /// <summary>Refresh a token this long before it expires, so a request never leaves with one about to lapse.</summary>
        internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

        private readonly ConcurrentDictionary<string, Entry> _tokens = new ConcurrentDictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        private readonly object _refreshGate = new object();
        /// <summary>The fetcher of the running cmdlet and its pipeline thread, swapped as one.</summary>
        private volatile Tuple<Fetcher, int>? _inline;

        /// <summary>Runs Get-AzAccessToken for an audience (on the pipeline thread).</summary>
        internal delegate (SecureString Token, DateTimeOffset ExpiresOn) Fetcher(string audience);

        public AzContextCredential(IEnumerable<string> audiences)
        {
            foreach (var audience in audiences) _tokens[Normalize(audience)] = Entry.Missing;
        }

        /// <summary>
        /// Called on the pipeline thread: fetches every audience that is missing or expires within the margin. A failure
        /// is kept as the reason a later request for that audience fails; it does not stop the others.
        /// </summary>
        public void Refresh(Fetcher fetch, bool throwOnFailure = false)
        {
            foreach (var audience in _tokens.Keys) RefreshOne(audience, fetch, throwOnFailure);
        }

        /// <summary>Lets the current (pipeline) thread fetch inline while a cmdlet runs.</summary>
        public void SetFetcher(Fetcher fetch)
        {
            lock (_refreshGate)
            {
                _inline = Tuple.Create(fetch, Thread.CurrentThread.ManagedThreadId);
            }
        }

        /// <summary>Ends inline fetching by a cmdlet, unless a later cmdlet of the same pipeline has taken over.</summary>
        public void ReleaseFetcher(Fetcher fetch)
        {
            lock (_refreshGate)
            {
                if (_inline != null && ReferenceEquals(_inline.Item1, fetch)) _inline = null;
            }
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var audience = Normalize(requestContext.Scopes.Length > 0 ? AoaiHardening.Arm.AzureEnvironment.Audience(requestContext.Scopes[0]) : "");
            var inline = _inline;
            if (inline != null && inline.Item2 == Thread.CurrentThread.ManagedThreadId)
                RefreshOne(audience, inline.Item1, throwOnFailure: true);

            if (_tokens.TryGetValue(audience, out var entry) && entry.Token != null && entry.ExpiresOn > DateTimeOffset.UtcNow.AddSeconds(30))
                return new AccessToken(SecureStrings.ToPlain(entry.Token), entry.ExpiresOn);

            var why = entry?.Failure != null ? $" Get-AzAccessToken failed: {entry.Failure}"
                : entry?.Token != null ? " The token Az PowerShell gave has expired; run the command again to get a fresh one."
                : " No token was fetched for it before the command started its background work; run the command again.";
            throw new AuthenticationFailedException($"No Az PowerShell token for '{audience}'.{why}");
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new ValueTask<AccessToken>(GetToken(requestContext, cancellationToken));

        private void RefreshOne(string audience, Fetcher fetch, bool throwOnFailure)
        {
            lock (_refreshGate)
            {
                if (_tokens.TryGetValue(audience, out var current) && current.Token != null && current.ExpiresOn - DateTimeOffset.UtcNow > RefreshMargin)
                    return;
                try
                {
                    var (token, expiresOn) = fetch(audience);
                    var copy = token.Copy();
                    copy.MakeReadOnly();
                    _tokens[audience] = new Entry(copy, expiresOn, null);
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException))
                {
                    // Keep a still-valid token; remember why the refresh failed for when it no longer is.
                    _tokens[audience] = new Entry(current?.Token, current?.ExpiresOn ?? DateTimeOffset.MinValue, ex.Message);
                    if (throwOnFailure && (current?.Token == null || current.ExpiresOn <= DateTimeOffset.UtcNow.AddSeconds(30)))
                        throw new AuthenticationFailedException($"Get-AzAccessToken -ResourceUrl {audience} failed: {ex.Message}", ex);
                }
            }
        }

        /// <summary>"https://management.azure.com/" and "https://management.azure.com" are one audience.</summary>
        internal static string Normalize(string audience) => audience.TrimEnd('/');

        private sealed class Entry
        {
            public static readonly Entry Missing = new Entry(null, DateTimeOffset.MinValue, null);

            public Entry(SecureString? token, DateTimeOffset expiresOn, string? failure)
            {
                Token = token;
                ExpiresOn = expiresOn;
                Failure = failure;
            }

            public SecureString? Token { get; }
            public DateTimeOffset ExpiresOn { get; }
            public string? Failure { get; }
        }
    }
}
