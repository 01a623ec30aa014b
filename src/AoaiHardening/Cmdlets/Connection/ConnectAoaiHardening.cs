using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Connection
{
    /// <summary>
    /// Chooses the cloud, the identity and the default subscription for the session. Without it, cmdlets use
    /// DefaultAzureCredential on the public cloud. Secrets arrive as SecureString and never reach an output stream.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "AoaiHardening", DefaultParameterSetName = DefaultSet)]
    [OutputType(typeof(AoaiContext))]
    public sealed class ConnectAoaiHardening : AoaiCmdlet
    {
        private const string DefaultSet = "Default";
        private const string IdentitySet = "ManagedIdentity";
        private const string SecretSet = "ServicePrincipalSecret";
        private const string CertificateSet = "ServicePrincipalCertificate";
        private const string DeviceCodeSet = "DeviceCode";
        private const string AccessTokenSet = "AccessToken";
        private const string AzContextSet = "AzContext";

        [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
        public SwitchParameter Identity { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        public SwitchParameter ServicePrincipal { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
        public SwitchParameter UseDeviceCode { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString AccessToken { get; set; } = null!;

        /// <summary>
        /// Tokens from the Az PowerShell session (Get-AzAccessToken), e.g. a runbook that ran Connect-AzAccount -Identity;
        /// refreshed from Az as they near expiry. Subscription, tenant and cloud default to the Az context's.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = AzContextSet)]
        public SwitchParameter UseAzContext { get; set; }

        /// <summary>As Connect-AzAccount -KeyVaultAccessToken: the ARM token is never sent to Key Vault, so vault work needs its own.</summary>
        [Parameter(ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString? KeyVaultAccessToken { get; set; }

        /// <summary>The same for the accounts' data plane (Test-AoaiContentFilter): a token for the Cognitive Services audience.</summary>
        [Parameter(ParameterSetName = AccessTokenSet)]
        [ValidateNotNull]
        public SecureString? DataPlaneAccessToken { get; set; }

        [Parameter(ParameterSetName = IdentitySet)]
        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [ValidateNotNullOrEmpty]
        public string? ClientId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [ValidateNotNull]
        public SecureString ClientSecret { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; } = null!;

        [Parameter(ParameterSetName = CertificateSet)]
        public SecureString? CertificatePassword { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
        [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = DefaultSet)]
        [Parameter(ParameterSetName = DeviceCodeSet)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(ParameterSetName = IdentitySet)]
        [Parameter(ParameterSetName = AzContextSet)]
        [ValidateNotNullOrEmpty]
        public string? TenantId { get; set; }

        [Parameter]
        [ValidateSet("AzureCloud", "AzureChinaCloud", "AzureUSGovernment", IgnoreCase = true)]
        public string Environment { get; set; } = "AzureCloud";

        [Parameter]
        [ValidateNotNull]
        public Uri? ArmEndpoint { get; set; }

        [Parameter]
        [ValidateNotNull]
        public Uri? AuthorityHost { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ArmScope { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DataPlaneScope { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetryCount { get; set; } = 5;

        /// <summary>How long a cmdlet waits for a long-running ARM operation before it stops waiting and says so (the operation goes on in Azure).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int OperationTimeoutSec { get; set; } = 1800;

        protected override void EndProcessing()
        {
            if (ParameterSetName == AzContextSet) ReadAzContext();
            var baseline = AzureEnvironment.Get(Environment);
            var environment = ValidateOrThrow(() =>
                ArmEndpoint != null || AuthorityHost != null || ArmScope != null || DataPlaneScope != null
                    ? AzureEnvironment.Custom(baseline, ArmEndpoint, AuthorityHost, ArmScope, DataPlaneScope)
                    : baseline, "AoaiHardening.Connect.InvalidEnvironment", (object?)ArmEndpoint ?? (object?)AuthorityHost ?? ArmScope ?? DataPlaneScope);
            // Client ids are application (client) GUIDs: a name or an object id path would only fail at the first token request.
            if (ClientId != null && !Guid.TryParse(ClientId, out _))
                ValidateOrThrow(() => throw new ArgumentException($"'{ClientId}' is not a client id (the application or managed identity's client id, a GUID)."), "AoaiHardening.Connect.InvalidClientId", ClientId);
            if (SubscriptionId != null) ValidateOrThrow(() => AccountId.ValidateSubscriptionId(SubscriptionId), "AoaiHardening.Connect.InvalidSubscriptionId", SubscriptionId);
            if (TenantId != null && !Guid.TryParse(TenantId, out _) && TenantId.IndexOf('.') < 0)
                ValidateOrThrow(() => throw new ArgumentException($"'{TenantId}' is not a tenant id (a GUID) or a tenant domain name."), "AoaiHardening.Connect.InvalidTenantId", TenantId);

            var (credential, method) = CreateCredential(environment);
            if (ParameterSetName == DeviceCodeSet) SignInWithDeviceCode(credential, environment);
            var azContext = credential as AzContextCredential;
            if (azContext != null) FetchAzTokens(azContext, environment);

            var context = new AoaiContext
            {
                Environment = environment.Name,
                ArmEndpoint = environment.ArmEndpoint,
                AuthorityHost = environment.AuthorityHost,
                ArmScope = environment.ArmScope,
                AuthenticationMethod = method,
                KeyVaultDnsSuffix = environment.KeyVaultDnsSuffix,
                HasKeyVaultAccessToken = KeyVaultAccessToken != null,
                HasDataPlaneAccessToken = DataPlaneAccessToken != null,
                TenantId = TenantId ?? AoaiSession.NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_TENANT_ID")),
                ClientId = ClientId,
                SubscriptionId = SubscriptionId ?? AoaiSession.NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID")),
                ConnectedOn = DateTimeOffset.Now,
            };
            var settings = new ArmClientSettings { ModuleVersion = AoaiSession.ModuleVersion, MaxRetries = MaxRetryCount, LroTimeout = TimeSpan.FromSeconds(OperationTimeoutSec) };
            AoaiSession.Set(context, new ArmClient(environment, credential, settings), KeyVaultAccessFor(credential), OpenAiAccessFor(credential, environment), azContext);
            WriteVerbose($"Connected: {context}.");
            WriteObject(context);
        }

        /// <summary>
        /// Every sign-in method but -AccessToken can get a token for any audience, so the data planes use the same credential.
        /// A static ARM token must never be sent to another audience: there each data plane needs its own token.
        /// </summary>
        private DataPlaneAccess KeyVaultAccessFor(TokenCredential credential) =>
            DataPlaneAccessFor(credential, KeyVaultAccessToken,
                "The session was connected with -AccessToken, which is a token for Azure Resource Manager only: " +
                "pass -KeyVaultAccessToken to Connect-AoaiHardening to reach Key Vault " +
                "(e.g. (Get-AzAccessToken -ResourceTypeName KeyVault -AsSecureString).Token).");

        private DataPlaneAccess OpenAiAccessFor(TokenCredential credential, AzureEnvironment environment) =>
            DataPlaneAccessFor(credential, DataPlaneAccessToken,
                "The session was connected with -AccessToken, which is a token for Azure Resource Manager only: " +
                "pass -DataPlaneAccessToken to Connect-AoaiHardening to reach the accounts' data plane " +
                $"(e.g. (Get-AzAccessToken -ResourceUrl {AzureEnvironment.Audience(environment.DataPlaneScope)} -AsSecureString).Token).");

        private DataPlaneAccess DataPlaneAccessFor(TokenCredential credential, SecureString? token, string unavailable)
        {
            if (ParameterSetName != AccessTokenSet) return DataPlaneAccess.SameAs(credential);
            return token != null ? DataPlaneAccess.FromToken(new StaticTokenCredential(token)) : DataPlaneAccess.Unavailable(unavailable);
        }

        private (TokenCredential Credential, string Method) CreateCredential(AzureEnvironment environment)
        {
            switch (ParameterSetName)
            {
                case AccessTokenSet:
                    return (new StaticTokenCredential(AccessToken), "AccessToken");
                case AzContextSet:
                    // ARM, Key Vault and the accounts' data plane: fetched now on this thread, so workers find them cached.
                    return (new AzContextCredential(new[]
                    {
                        AzureEnvironment.Audience(environment.ArmScope),
                        $"https://{environment.KeyVaultDnsSuffix}",
                        AzureEnvironment.Audience(environment.DataPlaneScope),
                    }), "AzContext");
                case IdentitySet:
                    var miOptions = new TokenCredentialOptions { AuthorityHost = environment.AuthorityHost };
                    // Azure Automation, App Service and Functions expose IDENTITY_ENDPOINT/IDENTITY_HEADER; VMs use IMDS: Azure.Identity handles both.
#pragma warning disable CS0618 // The string overload is the one available on every supported Azure.Identity.
                    return (new ManagedIdentityCredential(ClientId, miOptions), "ManagedIdentity");
#pragma warning restore CS0618
                case SecretSet:
                    return (new ClientSecretCredential(TenantId, ClientId, SecureStrings.ToPlain(ClientSecret),
                        new ClientSecretCredentialOptions { AuthorityHost = environment.AuthorityHost }), "ServicePrincipalSecret");
                case CertificateSet:
                    var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
                    var certOptions = new ClientCertificateCredentialOptions { AuthorityHost = environment.AuthorityHost };
                    // PEM (certificate + key) is read by Azure.Identity itself; PFX goes through X509Certificate2 for the password.
                    if (CertificatePassword == null && path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
                    {
                        ValidateOrThrow(() => { if (!File.Exists(path)) throw new ArgumentException($"The certificate file '{path}' does not exist."); },
                            "AoaiHardening.Connect.InvalidCertificate", CertificatePath);
                        return (new ClientCertificateCredential(TenantId, ClientId, path, certOptions), "ServicePrincipalCertificate");
                    }
                    var certificate = ValidateOrThrow(() => LoadCertificate(path), "AoaiHardening.Connect.InvalidCertificate", CertificatePath);
                    return (new ClientCertificateCredential(TenantId, ClientId, certificate, certOptions), "ServicePrincipalCertificate");
                case DeviceCodeSet:
                    return (new DeviceCodeCredential(new DeviceCodeCredentialOptions
                    {
                        AuthorityHost = environment.AuthorityHost,
                        TenantId = TenantId,
                        ClientId = ClientId ?? "04b07795-8ddb-461a-bbee-02f9e1bf7b46", // Azure CLI's public client, as Azure.Identity defaults to
                        DeviceCodeCallback = (info, _) =>
                        {
                            _deviceCodeMessages.Enqueue(info.Message);
                            return Task.CompletedTask;
                        },
                    }), "DeviceCode");
                default:
                    return (new DefaultAzureCredential(new DefaultAzureCredentialOptions
                    {
                        AuthorityHost = environment.AuthorityHost,
                        TenantId = TenantId,
                    }), "DefaultAzureCredential");
            }
        }

        /// <summary>
        /// -UseAzContext: Az.Accounts must be there and signed in; its subscription, tenant and cloud fill what was not given.
        /// </summary>
        private void ReadAzContext()
        {
            if (!AzContextTokens.IsAvailable(this))
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                    "Connect-AoaiHardening -UseAzContext: Get-AzAccessToken was not found. Import Az.Accounts and run Connect-AzAccount " +
                    "(Connect-AzAccount -Identity in an Azure Automation runbook) first, or use Connect-AoaiHardening -Identity."),
                    "AoaiHardening.Connect.AzAccountsNotFound", ErrorCategory.ObjectNotFound, null));
            var az = AzContextTokens.ReadContext(this);
            if (az == null)
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                    "Connect-AoaiHardening -UseAzContext: Az PowerShell is not signed in (Get-AzContext has no account). " +
                    "Run Connect-AzAccount (-Identity in a runbook) first."),
                    "AoaiHardening.Connect.NoAzContext", ErrorCategory.AuthenticationError, null));
            var (subscriptionId, tenantId, environmentName, armEndpoint) = az!.Value;
            SubscriptionId ??= subscriptionId;
            TenantId ??= tenantId;
            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Environment)) && environmentName != null)
            {
                if (AzureEnvironment.KnownNames.Contains(environmentName, StringComparer.OrdinalIgnoreCase)) Environment = environmentName;
                else if (ArmEndpoint == null && Uri.TryCreate(armEndpoint, UriKind.Absolute, out var custom)) ArmEndpoint = custom;
            }
        }

        /// <summary>The ARM token must come now (a clear error here beats one on the first request); the others may fail until used.</summary>
        private void FetchAzTokens(AzContextCredential credential, AzureEnvironment environment)
        {
            try
            {
                credential.Refresh(AzContextTokens.For(this, TenantId));
                credential.GetToken(new TokenRequestContext(new[] { environment.ArmScope }), CancellationToken);
            }
            catch (AuthenticationFailedException ex)
            {
                ThrowTerminatingError(new ErrorRecord(new AuthenticationFailedException(
                    $"Connect-AoaiHardening -UseAzContext: could not get an Azure Resource Manager token from Az PowerShell. {ex.Message}", ex),
                    "AoaiHardening.Connect.AzTokenFailed", ErrorCategory.AuthenticationError, null));
            }
        }

        private readonly ConcurrentQueue<string> _deviceCodeMessages = new ConcurrentQueue<string>();

        /// <summary>
        /// Device code sign-in happens now, not on the first ARM call: the prompt must reach the user, and the
        /// credential's callback runs on a worker thread, so it is relayed from the pipeline thread while we wait.
        /// </summary>
        private void SignInWithDeviceCode(TokenCredential credential, AzureEnvironment environment)
        {
            var token = credential.GetTokenAsync(new TokenRequestContext(new[] { environment.ArmScope }), CancellationToken).AsTask();
            while (!token.Wait(TimeSpan.FromMilliseconds(200)))
            {
                while (_deviceCodeMessages.TryDequeue(out var message)) WriteWarning(message);
            }
            while (_deviceCodeMessages.TryDequeue(out var message)) WriteWarning(message);
            if (token.IsFaulted)
            {
                var error = token.Exception!.GetBaseException();
                ThrowTerminatingError(new ErrorRecord(new AuthenticationFailedException($"Device code sign-in failed: {error.Message}", error),
                    "AoaiHardening.Connect.SignInFailed", ErrorCategory.AuthenticationError, null));
            }
        }

        private X509Certificate2 LoadCertificate(string path)
        {
            if (!File.Exists(path)) throw new ArgumentException($"The certificate file '{path}' does not exist.");
            try
            {
                var password = CertificatePassword == null ? null : SecureStrings.ToPlain(CertificatePassword);
                var certificate = new X509Certificate2(path, password); // netstandard2.0 has no X509CertificateLoader
                if (!certificate.HasPrivateKey) throw new ArgumentException($"The certificate '{path}' has no private key.");
                return certificate;
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                throw new ArgumentException($"The certificate '{path}' could not be read: {ex.Message}");
            }
        }
    }
}
