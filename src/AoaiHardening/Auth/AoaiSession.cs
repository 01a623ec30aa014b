using System;
using Azure.Core;
using Azure.Identity;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Auth
{
    /// <summary>
    /// The process-wide connection: the context the user chose (or the implicit default) and the ARM client built
    /// from it. Cmdlets work without Connect-AoaiHardening: the first use creates a DefaultAzureCredential context.
    /// </summary>
    internal static class AoaiSession
    {
        private static readonly object Gate = new object();
        private static AoaiContext? _context;
        private static ArmClient? _client;

        public static void Set(AoaiContext context, ArmClient client)
        {
            lock (Gate)
            {
                _context = context;
                _client = client;
            }
        }

        public static void Clear()
        {
            lock (Gate)
            {
                _context = null;
                _client = null;
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
                SubscriptionId = NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID")),
                TenantId = NullIfEmpty(System.Environment.GetEnvironmentVariable("AZURE_TENANT_ID")),
                IsImplicit = true,
            };
            _client = new ArmClient(environment, new DefaultAzureCredential(options), new ArmClientSettings { ModuleVersion = ModuleVersion });
        }

        internal static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
    }
}
