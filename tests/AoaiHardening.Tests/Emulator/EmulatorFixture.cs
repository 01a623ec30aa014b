using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Tls;
using Xunit;

namespace AoaiHardening.Tests.Emulator;

/// <summary>
/// One in-process emulator per test class, and a plain HttpClient that trusts it the way every client does:
/// through SSL_CERT_FILE pointing at the trust bundle, set before the test process started. Nothing relaxes validation.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public ArmEmulator Emulator { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public EmulatorState State => Emulator.State;

    public async Task InitializeAsync()
    {
        Emulator = await ArmEmulator.StartAsync(new EmulatorOptions { ConsoleLogging = false });
        RequireTrust(Emulator.Tls);
        Http = new HttpClient { BaseAddress = Emulator.BaseUri };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>Fresh state for a test: the scenario (default: <see cref="TestTenant"/>), no log, no faults, no waiting on LROs.</summary>
    public void Reset(string? scenarioJson = null, Func<EmulatorConfig, EmulatorConfig>? configure = null)
    {
        State.LoadScenario(scenarioJson ?? TestTenant.Scenario());
        State.Config = (configure ?? (c => c))(State.Config with { RetryAfterSeconds = 0 });
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body = null) =>
        SendAsync(method, pathAndQuery, body?.ToJsonString());

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? rawBody)
    {
        var request = new HttpRequestMessage(method, pathAndQuery);
        if (rawBody is not null)
            request.Content = new StringContent(rawBody, Encoding.UTF8, "application/json");
        return Http.SendAsync(request);
    }

    /// <summary>Fails fast with the fix, instead of a TLS error deep inside a test.</summary>
    private static void RequireTrust(TlsMaterial tls)
    {
        var bundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE");
        var ca = File.ReadAllText(tls.CaFile).Trim();
        if (bundle is null || !File.Exists(bundle) || !File.ReadAllText(bundle).Contains(ca, StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"The test process does not trust the emulator CA in {tls.Directory}. Before starting the tests run " +
                $"`dotnet AoaiHardening.Emulator.dll --init-tls --tls-dir DIR`, then set SSL_CERT_FILE=DIR/trust-bundle.pem " +
                $"and {TlsMaterial.DirectoryVariable}=DIR.");
    }
}

/// <summary>A small tenant for the emulator's own tests: one subscription, two resource groups, OpenAI accounts.</summary>
public static class TestTenant
{
    public const string TenantId = "7e57c0de-0000-4000-8000-00000000aaaa";
    public const string Subscription = "7e57c0de-0000-4000-8000-000000000001";
    public const string Group = "rg-test";
    public const string OtherGroup = "rg-other";
    public const string CsVersion = "2025-09-01";

    public static string GroupPath(string group = Group) => $"/subscriptions/{Subscription}/resourceGroups/{group}";

    public static string AccountsPath(string group = Group) => $"{GroupPath(group)}/providers/Microsoft.CognitiveServices/accounts";

    public static string AccountPath(string name, string group = Group) => $"{AccountsPath(group)}/{name}";

    /// <summary><paramref name="path"/> with <c>?api-version=</c> (the CognitiveServices one unless given).</summary>
    public static string Api(string path, string version = CsVersion) => $"{path}?api-version={version}";

    public static JsonObject Account(string name, string kind = "OpenAI", JsonObject? properties = null) => new()
    {
        ["type"] = "Microsoft.CognitiveServices/accounts",
        ["name"] = name,
        ["location"] = "eastus",
        ["kind"] = kind,
        ["sku"] = new JsonObject { ["name"] = "S0" },
        ["tags"] = new JsonObject { ["env"] = "test" },
        ["properties"] = properties ?? new JsonObject { ["customSubDomainName"] = name, ["publicNetworkAccess"] = "Enabled" },
    };

    /// <summary>Accounts go to <see cref="Group"/>; by default two: acct-a (OpenAI) and acct-b (AIServices).</summary>
    public static string Scenario(params JsonObject[] accounts)
    {
        if (accounts.Length == 0)
            accounts = [Account("acct-a"), Account("acct-b", "AIServices")];
        return new JsonObject
        {
            ["tenantId"] = TenantId,
            ["subscriptions"] = new JsonArray(new JsonObject
            {
                ["subscriptionId"] = Subscription,
                ["displayName"] = "Emulator tests",
                ["resourceGroups"] = new JsonArray(
                    new JsonObject { ["name"] = Group, ["location"] = "eastus", ["resources"] = new JsonArray(accounts.Select(a => (JsonNode)a.DeepClone()).ToArray()) },
                    new JsonObject { ["name"] = OtherGroup, ["location"] = "westeurope" }),
            }),
        }.ToJsonString();
    }
}

public static class ResponseExtensions
{
    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    /// <summary>Asserts an ARM error envelope with this status and code; returns the message.</summary>
    public static async Task<string> AssertErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.JsonAsync())["error"]!;
        Assert.Equal(code, (string?)error["code"]);
        return (string)error["message"]!;
    }

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single()
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues.Single() : null;
}

/// <summary>
/// Base of the emulator test classes: one emulator per class (xunit class fixture), and fresh state before every
/// test, so no test sees another's resources, log entries, faults or config.
/// </summary>
public abstract class EmulatorTest : IClassFixture<EmulatorFixture>
{
    protected EmulatorTest(EmulatorFixture emu, string? scenarioJson = null, Func<EmulatorConfig, EmulatorConfig>? configure = null)
    {
        Emu = emu;
        emu.Reset(scenarioJson, configure);
    }

    protected EmulatorFixture Emu { get; }
}
