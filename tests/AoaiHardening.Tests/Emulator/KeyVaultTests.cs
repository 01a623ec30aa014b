using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using AoaiHardening.Arm;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Services;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>
/// The emulator's Key Vault secrets data plane at real host names (kv-test.vault.azure.net), reached through its CONNECT
/// proxy the way the module reaches it: HTTPS end to end, the client validating the certificate for the real name.
/// </summary>
public sealed class KeyVaultTests : EmulatorTest, IDisposable
{
    private const string VaultName = "kv-test";
    private const string VaultHost = "kv-test.vault.azure.net";
    private const string VaultTenant = "7e57c0de-0000-4000-8000-00000000bbbb";
    private const string Version = "7.6";

    private readonly HttpClient proxied;

    public KeyVaultTests(EmulatorFixture emu) : base(emu, Scenario(Account("acct-a"), Vault(VaultName)))
    {
        // Test code may name the proxy explicitly; the module gets it from HTTPS_PROXY.
        proxied = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy(emu.Emulator.ProxyUri), UseProxy = true });
    }

    public void Dispose() => proxied.Dispose();

    private static JsonObject Vault(string name) => new()
    {
        ["type"] = "Microsoft.KeyVault/vaults",
        ["name"] = name,
        ["location"] = "eastus",
        ["properties"] = new JsonObject
        {
            ["tenantId"] = VaultTenant, ["enableSoftDelete"] = true, ["enablePurgeProtection"] = true,
            ["vaultUri"] = $"https://{name}.vault.azure.net/",
        },
    };

    /// <summary>An unsigned JWT with this audience: the emulator checks aud as Key Vault does (it cannot check signatures).</summary>
    internal static string Jwt(string audience)
    {
        static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode($$"""{"aud":"{{audience}}","exp":{{exp}}}""")}.";
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? token = "opaque-token", JsonNode? body = null, string host = VaultHost)
    {
        var request = new HttpRequestMessage(method, $"https://{host}{pathAndQuery}");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return proxied.SendAsync(request);
    }

    private Task<HttpResponseMessage> SetAsync(string name, string value, string? contentType = null, JsonObject? tags = null, string version = Version)
    {
        var body = new JsonObject { ["value"] = value };
        if (contentType is not null) body["contentType"] = contentType;
        if (tags is not null) body["tags"] = tags;
        return SendAsync(HttpMethod.Put, $"/secrets/{name}?api-version={version}", body: body);
    }

    [Fact]
    public async Task The_proxy_tunnels_to_a_served_vault_with_TLS_for_its_real_name()
    {
        var response = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}");

        Assert.Equal(200, (int)response.StatusCode);
        var entry = Assert.Single(Emu.State.Requests.Snapshot());
        Assert.Equal(VaultHost, entry.Host);
        Assert.Equal("/secrets", entry.Path);
    }

    [Theory]
    [InlineData("CONNECT kv-unknown.vault.azure.net:443 HTTP/1.1")] // no such vault: like a name that does not resolve
    [InlineData("CONNECT kv-test.vault.azure.net:8443 HTTP/1.1")] // only 443
    [InlineData("CONNECT management.azure.com:443 HTTP/1.1")] // no internet here
    [InlineData("CONNECT 127.0.0.1:443 HTTP/1.1")]
    [InlineData("GET http://kv-test.vault.azure.net/ HTTP/1.1")] // not a tunnel
    [InlineData("nonsense")]
    public async Task The_proxy_answers_502_to_anything_it_does_not_serve(string requestLine)
    {
        var (status, client) = await RawConnectAsync(requestLine);
        client.Dispose();

        Assert.Equal("HTTP/1.1 502 Bad Gateway", status);
        Assert.Empty(Emu.State.Requests.Snapshot());
    }

    [Fact]
    public async Task An_unknown_vault_fails_in_the_client_like_an_unreachable_host()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", host: "kv-unknown.vault.azure.net"));
    }

    [Fact]
    public async Task A_half_closed_tunnel_is_closed_through_not_left_hanging()
    {
        var (status, client) = await RawConnectAsync($"CONNECT {VaultHost}:443 HTTP/1.1");
        using (client)
        {
            Assert.Equal("HTTP/1.1 200 Connection established", status);
            // The client finishes sending without a TLS handshake: the proxy passes the EOF on, Kestrel closes, we read EOF.
            var stream = client.GetStream();
            client.Client.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var read = await stream.ReadAsync(new byte[1024], timeout.Token);
            Assert.Equal(0, read);
        }
    }

    [Fact]
    public async Task Without_a_token_the_vault_answers_with_its_challenge()
    {
        var response = await SendAsync(HttpMethod.Get, $"/secrets/app-key?api-version={Version}", token: null);

        Assert.Contains("AKV10000", await response.AssertErrorAsync(401, "Unauthorized"));
        Assert.Equal($"Bearer authorization=\"https://login.microsoftonline.com/{VaultTenant}\", resource=\"https://vault.azure.net\"", response.Header("WWW-Authenticate"));
        Assert.False(Emu.State.Requests.Snapshot().Single().HasAuthorization);
    }

    [Fact]
    public async Task The_challenge_names_each_cloud_s_own_vault_resource()
    {
        var china = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: null, host: "kv-test.vault.azure.cn");
        var government = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: null, host: "kv-test.vault.usgovcloudapi.net");

        Assert.EndsWith("resource=\"https://vault.azure.cn\"", china.Header("WWW-Authenticate"));
        Assert.EndsWith("resource=\"https://vault.usgovcloudapi.net\"", government.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task A_JWT_for_another_audience_is_refused_and_one_for_the_vault_accepted()
    {
        var arm = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: Jwt("https://management.azure.com/"));
        var vault = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: Jwt("https://vault.azure.net"));
        var slash = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: Jwt("https://vault.azure.net/"));
        var china = await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}", token: Jwt("https://vault.azure.net"), host: "kv-test.vault.azure.cn");

        Assert.Contains("AKV10022: Invalid audience", await arm.AssertErrorAsync(401, "Unauthorized"));
        Assert.NotNull(arm.Header("WWW-Authenticate"));
        Assert.Equal(200, (int)vault.StatusCode);
        Assert.Equal(200, (int)slash.StatusCode);
        Assert.Contains("Expected https://vault.azure.cn", await china.AssertErrorAsync(401, "Unauthorized"));
    }

    [Fact]
    public async Task Set_get_versions_and_list_behave_as_Key_Vault_does()
    {
        var tags = new JsonObject { ["aoaiKey"] = "Key2" };
        var first = await (await SetAsync("app-key", "value-one", "text/plain", tags)).JsonAsync();
        var second = await (await SetAsync("app-key", "value-two")).JsonAsync();
        await SetAsync("other", "value-three");

        var firstId = (string)first["id"]!;
        Assert.Matches($"^https://{VaultHost.Replace(".", "\\.")}/secrets/app-key/[0-9a-f]{{32}}$", firstId);
        Assert.Equal("value-one", (string?)first["value"]);
        Assert.Equal("text/plain", (string?)first["contentType"]);
        Assert.Equal("Key2", (string?)first["tags"]!["aoaiKey"]);
        Assert.True((bool)first["attributes"]!["enabled"]!);
        Assert.Equal("Recoverable", (string?)first["attributes"]!["recoveryLevel"]);
        Assert.InRange((long)first["attributes"]!["created"]!, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        var latest = await (await SendAsync(HttpMethod.Get, $"/secrets/app-key/?api-version={Version}")).JsonAsync();
        Assert.Equal("value-two", (string?)latest["value"]);
        Assert.Equal(second["id"]!.ToString(), latest["id"]!.ToString());
        var byVersion = await (await SendAsync(HttpMethod.Get, $"/secrets/app-key/{firstId.Split('/')[^1]}?api-version={Version}")).JsonAsync();
        Assert.Equal("value-one", (string?)byVersion["value"]);

        // Versions, one per page: follow nextLink (absolute, on the vault host) to the end.
        var ids = new List<string>();
        var next = $"https://{VaultHost}/secrets/app-key/versions?api-version={Version}&maxresults=1";
        while (next is not null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "opaque-token");
            var page = await (await proxied.SendAsync(request)).JsonAsync();
            var item = Assert.Single(page["value"]!.AsArray())!;
            Assert.Null(item["value"]); // lists never carry values
            ids.Add((string)item["id"]!);
            next = (string?)page["nextLink"];
        }
        Assert.Equal([firstId, (string)second["id"]!], ids);

        var all = await (await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}")).JsonAsync();
        Assert.Equal([$"https://{VaultHost}/secrets/app-key", $"https://{VaultHost}/secrets/other"], all["value"]!.AsArray().Select(i => (string)i!["id"]!));
        Assert.All(all["value"]!.AsArray(), i => Assert.Null(i!["value"]));
    }

    [Fact]
    public async Task Missing_secrets_invalid_names_and_bodies_get_Key_Vault_errors()
    {
        Assert.StartsWith("A secret with (name/id) nope was not found in this key vault.",
            await (await SendAsync(HttpMethod.Get, $"/secrets/nope?api-version={Version}")).AssertErrorAsync(404, "SecretNotFound"));
        await (await SendAsync(HttpMethod.Get, $"/secrets/nope/versions?api-version={Version}")).AssertErrorAsync(404, "SecretNotFound");
        await (await SendAsync(HttpMethod.Get, $"/secrets/bad_name?api-version={Version}")).AssertErrorAsync(400, "BadParameter");
        await (await SendAsync(HttpMethod.Put, $"/secrets/ok?api-version={Version}", body: new JsonObject { ["contentType"] = "x" })).AssertErrorAsync(400, "BadParameter");
        await (await SendAsync(HttpMethod.Delete, $"/secrets/ok?api-version={Version}")).AssertErrorAsync(400, "BadParameter");
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("1.0", "not recognized")]
    [InlineData("2025-09-01", "not recognized")]
    public async Task Unknown_api_versions_are_refused(string version, string messagePart)
    {
        var query = version.Length == 0 ? "" : $"?api-version={version}";

        var message = await (await SendAsync(HttpMethod.Get, $"/secrets{query}")).AssertErrorAsync(400, "BadParameter");

        Assert.Contains(messagePart, message);
    }

    [Theory]
    [InlineData("7.0")]
    [InlineData("7.6")]
    [InlineData("2025-07-01")]
    [InlineData("2026-04-01")]
    public async Task The_versions_the_SDK_can_send_are_accepted(string version)
    {
        Assert.Equal(200, (int)(await SendAsync(HttpMethod.Get, $"/secrets?api-version={version}")).StatusCode);
    }

    [Fact]
    public async Task The_request_log_records_the_host_and_redacts_secret_values()
    {
        await SetAsync("app-key", "do-not-log-me-123", tags: new JsonObject { ["t"] = "v" });

        var entry = Assert.Single(Emu.State.Requests.Snapshot());
        Assert.Equal(VaultHost, entry.Host);
        Assert.Equal("PUT", entry.Method);
        Assert.Equal(200, entry.Status);
        Assert.Equal("<redacted>", (string?)entry.Body!["value"]);
        Assert.Equal("v", (string?)entry.Body["tags"]!["t"]);
        Assert.DoesNotContain("do-not-log-me-123", JsonSerializer.Serialize(Emu.State.Requests.Snapshot()));
        Assert.DoesNotContain("opaque-token", JsonSerializer.Serialize(Emu.State.Requests.Snapshot()));
    }

    [Fact]
    public async Task Faults_match_path_and_host_and_spare_the_unauthenticated_challenge()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "/secrets/app-key", Host = VaultHost, Method = "PUT", Kind = FaultKind.Status, Status = 503 });

        var challenge = await SendAsync(HttpMethod.Put, $"/secrets/app-key?api-version={Version}", token: null, body: new JsonObject { ["value"] = "x" });
        var faulted = await SetAsync("app-key", "x");
        var stored = await SetAsync("app-key", "x");

        Assert.Equal(401, (int)challenge.StatusCode);
        await faulted.AssertErrorAsync(503, "ServiceUnavailable");
        Assert.Equal(200, (int)stored.StatusCode);
        Assert.Equal([null, "status", null], Emu.State.Requests.Snapshot().Select(r => r.Fault));
        Assert.Single(Emu.State.GetSecretVersions(VaultName, "app-key"));
    }

    [Fact]
    public async Task A_host_fault_leaves_ARM_alone()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "", Host = "vault.azure.net", Kind = FaultKind.Status, Status = 500 });

        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(AccountPath("acct-a")))).StatusCode);
        await (await SendAsync(HttpMethod.Get, $"/secrets?api-version={Version}")).AssertErrorAsync(500, "InternalServerError");
    }

    [Fact]
    public async Task Reset_clears_secrets()
    {
        await SetAsync("app-key", "x");
        Assert.Single(Emu.State.GetSecretVersions(VaultName, "app-key"));

        Emu.State.Reset();

        Assert.Empty(Emu.State.GetSecretVersions(VaultName, "app-key"));
        await (await SendAsync(HttpMethod.Get, $"/secrets/app-key?api-version={Version}")).AssertErrorAsync(404, "SecretNotFound");
    }

    [Fact]
    public async Task The_control_API_shows_secret_versions_with_values_account_keys_and_the_proxy()
    {
        await SetAsync("app-key", "value-one", "text/plain", new JsonObject { ["aoaiKey"] = "Key1" });
        await SetAsync("app-key", "value-two");
        var listed = await (await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null)).JsonAsync();

        var secret = await (await Emu.Http.GetAsync($"/_emulator/keyvault/{VaultName}/secrets/app-key")).JsonAsync();
        var keys = await (await Emu.Http.GetAsync($"/_emulator/accounts/keys?id={Uri.EscapeDataString(AccountPath("acct-a"))}")).JsonAsync();
        var health = await (await Emu.Http.GetAsync("/_emulator/health")).JsonAsync();

        Assert.Equal(["value-one", "value-two"], secret["versions"]!.AsArray().Select(v => (string)v!["value"]!));
        Assert.Equal("text/plain", (string?)secret["versions"]![0]!["contentType"]);
        Assert.Equal("Key1", (string?)secret["versions"]![0]!["tags"]!["aoaiKey"]);
        Assert.Equal((string?)listed["key1"], (string?)keys["key1"]);
        Assert.Equal((string?)listed["key2"], (string?)keys["key2"]);
        Assert.Equal(Emu.Emulator.ProxyUri.GetLeftPart(UriPartial.Authority), (string?)health["proxyUrl"]);
        Assert.Equal(404, (int)(await Emu.Http.GetAsync($"/_emulator/keyvault/{VaultName}/secrets/none")).StatusCode);
        Assert.Equal(404, (int)(await Emu.Http.GetAsync($"/_emulator/accounts/keys?id={Uri.EscapeDataString(AccountPath("none"))}")).StatusCode);
        Assert.DoesNotContain(Emu.State.Requests.Snapshot(), r => r.Path.StartsWith("/_emulator", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Azure_SDK_SecretClient_works_through_the_proxy()
    {
        var client = new SecretClient(new Uri($"https://{VaultHost}/"), new JwtCredential(), SdkOptions());

        var set = (await client.SetSecretAsync(new KeyVaultSecret("sdk-secret", "sdk-value") { Properties = { ContentType = "text/plain", Tags = { ["k"] = "v" } } })).Value;
        await client.SetSecretAsync("sdk-secret", "sdk-value-2");
        var got = (await client.GetSecretAsync("sdk-secret")).Value;
        var first = (await client.GetSecretAsync("sdk-secret", set.Properties.Version)).Value;
        var versions = new List<SecretProperties>();
        await foreach (var v in client.GetPropertiesOfSecretVersionsAsync("sdk-secret"))
            versions.Add(v);

        Assert.Equal(new Uri($"https://{VaultHost}/"), set.Properties.VaultUri);
        Assert.Equal("sdk-value-2", got.Value);
        Assert.Equal("sdk-value", first.Value);
        Assert.Equal("text/plain", first.Properties.ContentType);
        Assert.Equal("v", first.Properties.Tags["k"]);
        Assert.Equal(2, versions.Count);
        var failure = await Assert.ThrowsAsync<Azure.RequestFailedException>(() => client.GetSecretAsync("missing"));
        Assert.Equal(404, failure.Status);
        Assert.Equal("SecretNotFound", failure.ErrorCode);
        Assert.All(Emu.State.Requests.Snapshot(), r => Assert.Contains(r.ApiVersion, AoaiHardening.Emulator.KeyVault.KeyVaultDataPlane.Versions));
    }

    [Fact]
    public void The_module_s_secret_store_reads_stores_and_frames_failures_without_response_content()
    {
        var store = Store(VaultName);

        Assert.Null(store.GetLatest("app-key", CancellationToken.None));
        var stored = store.Set("app-key", "store-value", "text/plain; aoai-key=Key2", new Dictionary<string, string> { ["aoaiKey"] = "Key2" }, CancellationToken.None);
        var latest = store.GetLatest("app-key", CancellationToken.None)!;

        Assert.Equal(stored.Version, latest.Version);
        Assert.Equal(new Uri($"https://{VaultHost}/secrets/app-key/{stored.Version}"), stored.Id);
        Assert.Equal("Key2", latest.Tags["aoaiKey"]);
        Assert.True(latest.ValueEquals("store-value"));
        Assert.False(latest.ValueEquals("store-valuf"));
        Assert.DoesNotContain("store-value", latest.ToString());

        Emu.State.Faults.Add(new FaultSpec { Path = "/secrets/app-key", Method = "PUT", Kind = FaultKind.Status, Status = 403, Code = "Forbidden", Message = "secret-detail-from-service" });
        var refused = Assert.Throws<KeyVaultRequestException>(() => store.Set("app-key", "v2", "text/plain", new Dictionary<string, string>(), CancellationToken.None));
        Assert.Equal(403, refused.Status);
        Assert.Equal("Forbidden", refused.ErrorCode);
        Assert.Contains("'app-key'", refused.Message);
        Assert.Contains("'kv-test'", refused.Message);
        Assert.DoesNotContain("secret-detail-from-service", refused.Message);
        Assert.Null(refused.InnerException); // no SDK exception (and its quoted response) rides along

        var unreachable = Assert.Throws<KeyVaultRequestException>(() => Store("kv-missing").GetLatest("app-key", CancellationToken.None));
        Assert.Equal(0, unreachable.Status);
        Assert.Equal("ConnectionFailed", unreachable.ErrorCode);
        Assert.Contains("could not be reached", unreachable.Message);
    }

    private KeyVaultSecretStore Store(string vault) =>
        new(vault, AzureEnvironment.AzureCloud.KeyVaultUri(vault), new JwtCredential(), new ArmClientSettings { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
            new HttpClientTransport(new HttpClientHandler { Proxy = new WebProxy(Emu.Emulator.ProxyUri), UseProxy = true }), trace: null);

    private SecretClientOptions SdkOptions() => new()
    {
        Transport = new HttpClientTransport(new HttpClientHandler { Proxy = new WebProxy(Emu.Emulator.ProxyUri), UseProxy = true }),
        Retry = { MaxRetries = 0 },
    };

    /// <summary>Hands out a JWT for whatever audience the challenge asked for (the SDK asks for https://vault.azure.net/.default).</summary>
    private sealed class JwtCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Jwt(requestContext.Scopes.Single().Replace("/.default", "", StringComparison.Ordinal)), DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    /// <summary>Opens a TCP connection to the proxy, sends one request head and returns the status line (and the open client).</summary>
    private async Task<(string Status, TcpClient Client)> RawConnectAsync(string requestLine)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Emu.Emulator.ProxyUri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{requestLine}\r\nHost: x\r\n\r\n"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return (text.ToString().Split("\r\n")[0], client);
    }
}
