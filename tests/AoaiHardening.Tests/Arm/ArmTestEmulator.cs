using System;
using System.Linq;
using System.Security;
using System.Threading.Tasks;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using AoaiHardening.Emulator;
using AoaiHardening.Emulator.Core;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    /// <summary>
    /// One in-process ARM emulator per test class, seeded with a small tenant. The test process trusts its certificate
    /// through SSL_CERT_FILE (set by build.ps1 before the test host starts); nothing here relaxes TLS validation.
    /// </summary>
    public sealed class ArmTestEmulator : IAsyncLifetime
    {
        public const string Subscription = "aaaaaaaa-0000-4000-8000-000000000001";
        public const string Group = "rg-arm";
        public const int AccountCount = 5;

        public ArmEmulator Emulator { get; private set; } = null!;
        public EmulatorState State => Emulator.State;

        public static string AccountPath(int i) =>
            $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.CognitiveServices/accounts/acct-{i}";

        public static string Scenario()
        {
            var accounts = string.Join(",", Enumerable.Range(0, AccountCount).Select(i => $$"""
                { "type": "Microsoft.CognitiveServices/accounts", "name": "acct-{{i}}", "kind": "OpenAI", "location": "eastus",
                  "sku": { "name": "S0" }, "tags": { "n": "{{i}}" },
                  "properties": { "customSubDomainName": "acct-{{i}}", "publicNetworkAccess": "Enabled", "unknownProperty": { "kept": true } } }
                """));
            return $$"""
            { "tenantId": "bbbbbbbb-0000-4000-8000-000000000002",
              "config": { "pageSize": 100, "lroPolls": 1, "retryAfterSeconds": 0, "lroStyle": "both" },
              "subscriptions": [ { "subscriptionId": "{{Subscription}}", "displayName": "ARM tests",
                "resourceGroups": [ { "name": "{{Group}}", "location": "eastus", "resources": [ {{accounts}} ] } ] } ] }
            """;
        }

        public async Task InitializeAsync()
        {
            Emulator = await ArmEmulator.StartAsync(new EmulatorOptions
            {
                TlsDirectory = Environment.GetEnvironmentVariable("AOAI_EMULATOR_TLS_DIR")
                    ?? throw new InvalidOperationException("AOAI_EMULATOR_TLS_DIR is not set: run the tests through build.ps1 -Task Test."),
            });
        }

        public async Task DisposeAsync() => await Emulator.DisposeAsync();

        /// <summary>Fresh state for each test: the scenario, an empty log, no faults, then the given config.</summary>
        public void Reset(Func<EmulatorConfig, EmulatorConfig>? configure = null)
        {
            State.LoadScenario(Scenario());
            if (configure != null) State.Config = configure(State.Config);
        }

        public ArmClient Client(string token = "test-token", Action<ArmClientSettings>? configure = null)
        {
            var settings = new ArmClientSettings
            {
                ModuleVersion = "9.9.9",
                MaxRetries = 3,
                RetryDelay = TimeSpan.FromMilliseconds(20),
                MaxRetryDelay = TimeSpan.FromSeconds(2),
                DefaultPollInterval = TimeSpan.FromMilliseconds(20),
            };
            configure?.Invoke(settings);
            var environment = AzureEnvironment.Custom(AzureEnvironment.AzureCloud, Emulator.BaseUri, null, null, null);
            return new ArmClient(environment, new StaticTokenCredential(Secure(token)), settings);
        }

        public static SecureString Secure(string value)
        {
            var s = new SecureString();
            foreach (var c in value) s.AppendChar(c);
            return s;
        }
    }
}
