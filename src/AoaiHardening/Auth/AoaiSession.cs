using System;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// The process-wide connection: the context the user chose (or the implicit default), the ARM client built from it,
    /// and how to reach the data planes (Key Vault, Azure OpenAI). Cmdlets work without Connect-AoaiHardening: the first
    /// use creates a DefaultAzureCredential context.
    /// </summary>
    internal static class AoaiSession
    {
        private static readonly object Gate = new object();
        private static AoaiContext? _context;
        private static ArmClient? _client;
        private static DataPlaneAccess? _keyVault;
        private static DataPlaneAccess? _openAi;
        private static HttpPipelineTransport? _dataPlaneTransport;
        private static AzContextCredential? _azContext;

        public static void Set(AoaiContext context, ArmClient client, DataPlaneAccess keyVault, DataPlaneAccess openAi, AzContextCredential? azContext = null)
        {
            lock (Gate)
            {
                _azContext = azContext;
                _context = context;
                _client = client;
                _keyVault = keyVault;
                _openAi = openAi;
                _dataPlaneTransport = null;
            }
        }

        /// <summary>The Az PowerShell token cache of a -UseAzContext session, else null (never creates the default session).</summary>
        public static AzContextCredential? AzContext
        {
            get
            {
                lock (Gate) return _azContext;
            }
        }

        public static void Clear()
        {
            lock (Gate)
            {
                _azContext = null;
                _context = null;
                _client = null;
                _keyVault = null;
                _openAi = null;
                _dataPlaneTransport = null;
            }
        }

        /// <summary>How to reach Key Vault's data plane (secrets).</summary>
        public static DataPlaneAccess KeyVault
        {
            get
            {
                lock (Gate)
                {
                    EnsureDefault();
                    return _keyVault!;
                }
            }
        }

        /// <summary>How to reach the accounts' own data plane ({endpoint}openai/...) with a Microsoft Entra token.</summary>
        public static DataPlaneAccess OpenAi
        {
            get
            {
                lock (Gate)
                {
                    EnsureDefault();
                    return _openAi!;
                }
            }
        }

        /// <summary>
        /// The HTTP transport of data-plane clients (Key Vault, Azure OpenAI), one per connection. Not Azure.Core's process-wide shared
        /// transport: that one reads HTTPS_PROXY/NO_PROXY once, when the first Azure client of the process is built, so a
        /// proxy set later (a runbook's first lines, a test harness) would never apply. This one reads them on first use
        /// after Connect-AoaiHardening. (Not disposed when replaced: a cmdlet in another runspace may still be using it.)
        /// </summary>
        public static HttpPipelineTransport DataPlaneTransport
        {
            get
            {
                lock (Gate)
                {
                    return _dataPlaneTransport ??= new HttpClientTransport();
                }
            }
        }

        public static AoaiContext Context
        {
            get
            {
                lock (Gate)
                {
                    EnsureDefault();
                    return _context!;
                }
            }
        }

        public static ArmClient Client
        {
            get
            {
                lock (Gate)
                {
                    EnsureDefault();
                    return _client!;
                }
            }
        }

        public static string ModuleVersion =>
            typeof(AoaiSession).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        private static void EnsureDefault()
        {
            if (_context != null) return;
            var environment = AzureEnvironment.AzureCloud;
            var options = new DefaultAzureCredentialOptions { AuthorityHost = environment.AuthorityHost };
            _context = new AoaiContext
            {
                Environment = environment.Name,
                ArmEndpoint = environment.ArmEndpoint,
                AuthorityHost = environment.AuthorityHost,
                ArmScope = environment.ArmScope,
                AuthenticationMethod = "DefaultAzureCredential",
                KeyVaultDnsSuffix = environment.KeyVaultDnsSuffix,
                SubscriptionId = NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID")),
                TenantId = NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_TENANT_ID")),
                IsImplicit = true,
            };
            var credential = new DefaultAzureCredential(options);
            _client = new ArmClient(environment, credential, new ArmClientSettings { ModuleVersion = ModuleVersion });
            _keyVault = DataPlaneAccess.SameAs(credential);
            _openAi = DataPlaneAccess.SameAs(credential);
        }

        internal static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
    }
}
