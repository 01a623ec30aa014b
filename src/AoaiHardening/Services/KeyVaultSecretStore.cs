using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The module's use of one vault's secrets (data plane), behind our own types: cmdlets never see the Azure SDK, and a
    /// failure becomes a <see cref="KeyVaultRequestException"/> whose message we build from the status and error code
    /// only (the SDK's own messages quote response content). Secret values go in and are compared, never returned.
    /// </summary>
    internal sealed class KeyVaultSecretStore
    {
        private readonly SecretClient _client;

        /// <param name="vaultUri">https://{vault}.{KeyVaultDnsSuffix}/ (the environment computes it).</param>
        /// <param name="trace">Where one line per attempt goes (method, URL path, status): never headers or bodies.</param>
        public KeyVaultSecretStore(string vaultName, Uri vaultUri, TokenCredential credential, ArmClientSettings settings,
            HttpPipelineTransport transport, Action<string>? trace)
        {
            VaultName = vaultName;
            VaultUri = vaultUri;
            // The SDK's default service version (2026-04-01 in 4.12.0); the package version is pinned centrally.
            var options = new SecretClientOptions(ApiVersions.KeyVaultData) { Transport = transport };
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = settings.MaxRetries;
            options.Retry.Delay = settings.RetryDelay;
            options.Retry.MaxDelay = settings.MaxRetryDelay;
            options.Retry.NetworkTimeout = settings.NetworkTimeout;
            // Secret values travel in these bodies: no Azure.Core event-source logging of these requests at all (and so no
            // content logging), no telemetry header (our User-Agent replaces it), no tracing spans.
            options.Diagnostics.IsLoggingEnabled = false;
            options.Diagnostics.IsLoggingContentEnabled = false;
            options.Diagnostics.IsTelemetryEnabled = false;
            options.Diagnostics.IsDistributedTracingEnabled = false;
            options.AddPolicy(new UserAgentPolicy(settings.ModuleVersion), HttpPipelinePosition.PerRetry);
            if (trace != null) options.AddPolicy(new DataPlaneTracePolicy("Key Vault", trace), HttpPipelinePosition.PerRetry);
            _client = new SecretClient(vaultUri, credential, options);
        }

        public string VaultName { get; }
        public Uri VaultUri { get; }

        /// <summary>The latest version of a secret (its value held only for <see cref="StoredSecret.ValueEquals"/>), or null when there is none.</summary>
        public StoredSecret? GetLatest(string name, CancellationToken cancellationToken)
        {
            try
            {
                var secret = _client.GetSecret(name, null, cancellationToken).Value;
                return StoredSecret.From(secret.Properties, secret.Value);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
            catch (Exception ex) when (Failure(ex, "reading", name) is { } failure)
            {
                throw failure;
            }
        }

        /// <summary>SetSecret: stores <paramref name="value"/> as a new version and returns it (without the value).</summary>
        public StoredSecret Set(string name, string value, string contentType, IDictionary<string, string> tags, CancellationToken cancellationToken)
        {
            var secret = new KeyVaultSecret(name, value);
            secret.Properties.ContentType = contentType;
            foreach (var tag in tags) secret.Properties.Tags[tag.Key] = tag.Value;
            try
            {
                return StoredSecret.From(_client.SetSecret(secret, cancellationToken).Value.Properties, null);
            }
            catch (Exception ex) when (Failure(ex, "storing a new version of", name) is { } failure)
            {
                throw failure;
            }
        }

        /// <summary>Our exception for an SDK or transport failure; null for cancellation (Ctrl+C), which propagates as it is.</summary>
        private KeyVaultRequestException? Failure(Exception ex, string operation, string secretName)
        {
            var what = $"Key Vault: {operation} secret '{secretName}' in vault '{VaultName}' ({VaultUri})";
            // Retries that all ended in an exception (no answer) arrive as one AggregateException: the last attempt's counts.
            if (ex is AggregateException aggregate)
            {
                var inner = aggregate.Flatten().InnerExceptions;
                if (inner.Count == 0) return null;
                ex = inner[inner.Count - 1];
            }
            switch (ex)
            {
                case RequestFailedException rf when rf.Status == 0:
                    // No HTTP answer: the name does not resolve, a proxy or firewall refused, TLS failed. The transport's
                    // message carries no content.
                    return new KeyVaultRequestException($"{what} failed: the vault could not be reached ({Innermost(rf).Message}). " +
                                                        "Check the vault name and that this machine can reach it.",
                        0, "ConnectionFailed", null, VaultName, secretName);
                case RequestFailedException rf:
                    string? requestId = null;
                    rf.GetRawResponse()?.Headers.TryGetValue("x-ms-request-id", out requestId);
                    var code = rf.ErrorCode ?? "HttpError" + rf.Status;
                    return new KeyVaultRequestException($"{what} failed with {rf.Status} {code}{Hint(rf.Status)}" +
                                                        (requestId != null ? $" (x-ms-request-id: {requestId})" : string.Empty) + ".",
                        rf.Status, code, requestId, VaultName, secretName);
                case CredentialUnavailableException cu:
                    return new KeyVaultRequestException($"{what} failed: no token for Key Vault ({cu.Message})", 401, "CredentialUnavailable", null, VaultName, secretName);
                case AuthenticationFailedException af:
                    return new KeyVaultRequestException($"{what} failed: no token for Key Vault ({af.Message})", 401, "AuthenticationFailed", null, VaultName, secretName);
                case OperationCanceledException _ when !(ex.InnerException is TimeoutException):
                    return null;
                case OperationCanceledException _:
                    return new KeyVaultRequestException($"{what} timed out.", 0, "RequestTimeout", null, VaultName, secretName);
                default:
                    return null;
            }
        }

        private static string Hint(int status) => status switch
        {
            401 => ": the token was refused (wrong audience or expired?)",
            403 => ": the identity may not do this (RBAC vault: Key Vault Secrets Officer to set, Secrets User to read; access-policy vault: secret get/set), or the vault's firewall refused the caller",
            _ => string.Empty,
        };

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }

    /// <summary>A version of a secret: its id and metadata. The value, when read, is kept private for one comparison.</summary>
    internal sealed class StoredSecret
    {
        private string? _value;

        private StoredSecret(string name, string version, Uri id, string? contentType, IReadOnlyDictionary<string, string> tags, string? value)
        {
            Name = name;
            Version = version;
            Id = id;
            ContentType = contentType;
            Tags = tags;
            _value = value;
        }

        public string Name { get; }
        public string Version { get; }
        /// <summary>The secret id with its version: https://{vault}.vault.azure.net/secrets/{name}/{version}.</summary>
        public Uri Id { get; }
        public string? ContentType { get; }
        public IReadOnlyDictionary<string, string> Tags { get; }

        /// <summary>Compares the stored value with a candidate in constant time; false when the value was not read.</summary>
        public bool ValueEquals(string candidate)
        {
            if (_value == null) return false;
            var a = Encoding.UTF8.GetBytes(_value);
            var b = Encoding.UTF8.GetBytes(candidate);
            var diff = a.Length ^ b.Length;
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++) diff |= a[i] ^ b[i];
            return diff == 0;
        }

        /// <summary>Drops the reference to the value once it is no longer needed.</summary>
        public void ForgetValue() => _value = null;

        public override string ToString() => $"{Name}/{Version}";

        internal static StoredSecret From(SecretProperties properties, string? value)
        {
            var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var tag in properties.Tags) tags[tag.Key] = tag.Value;
            return new StoredSecret(properties.Name, properties.Version, properties.Id, properties.ContentType, tags, value);
        }
    }

    /// <summary>A Key Vault request that failed: status (0 = no answer), Key Vault's error code, request id. No response content.</summary>
    public sealed class KeyVaultRequestException : Exception
    {
        internal KeyVaultRequestException(string message, int status, string errorCode, string? requestId, string vaultName, string secretName)
            : base(message)
        {
            Status = status;
            ErrorCode = errorCode;
            RequestId = requestId;
            VaultName = vaultName;
            SecretName = secretName;
        }

        public int Status { get; }
        public string ErrorCode { get; }
        public string? RequestId { get; }
        public string VaultName { get; }
        public string SecretName { get; }

        /// <summary>The same failure with a message framed by the caller (cmdlet, account, step).</summary>
        internal KeyVaultRequestException Reframed(string message) =>
            new KeyVaultRequestException(message, Status, ErrorCode, RequestId, VaultName, SecretName);
    }
}
