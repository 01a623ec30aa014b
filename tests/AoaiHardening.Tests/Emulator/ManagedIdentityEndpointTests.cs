using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace AoaiHardening.Tests.Emulator;

/// <summary>The Azure Automation sandbox's token endpoint (IDENTITY_ENDPOINT + X-IDENTITY-HEADER, api-version 2019-08-01).</summary>
public sealed class ManagedIdentityEndpointTests(EmulatorFixture emu) : EmulatorTest(emu), IDisposable
{
    private readonly HttpClient client = new() { BaseAddress = emu.Emulator.BaseUri }; // no bearer: the sandbox endpoint needs none

    public void Dispose() => client.Dispose();

    private async Task<(string Endpoint, string Header)> SandboxAsync()
    {
        var identity = await (await client.GetAsync("/_emulator/identity")).JsonAsync();
        return ((string)identity["endpoint"]!, (string)identity["header"]!);
    }

    private async Task<HttpResponseMessage> TokenAsync(string query, string? header)
    {
        var (endpoint, _) = await SandboxAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{endpoint}?{query}");
        if (header != null) request.Headers.Add("X-IDENTITY-HEADER", header);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task With_the_header_it_issues_a_token_for_the_resource()
    {
        var (_, header) = await SandboxAsync();

        var response = await TokenAsync("api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net", header);

        Assert.Equal(200, (int)response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", (string?)body["token_type"]);
        Assert.True(long.Parse((string)body["expires_on"]!) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var payload = ((string)body["access_token"]!).Split('.')[1].Replace('-', '+').Replace('_', '/');
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='))))!;
        Assert.Equal("https://vault.azure.net", (string?)claims["aud"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Without_the_right_header_it_refuses(string? header)
    {
        var response = await TokenAsync("api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com", header);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("unauthorized_client", (string?)(await response.JsonAsync())["error"]);
    }

    [Theory]
    [InlineData("api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com", "invalid_request")]
    [InlineData("api-version=2019-08-01", "invalid_resource")]
    [InlineData("api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com&client_id=00000000-0000-0000-0000-000000000001", "invalid_request")]
    public async Task Bad_requests_are_400(string query, string error)
    {
        var (_, header) = await SandboxAsync();

        var response = await TokenAsync(query, header);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(error, (string?)(await response.JsonAsync())["error"]);
    }

    [Fact]
    public async Task Requests_are_logged_without_the_header_value_or_the_token()
    {
        var (_, header) = await SandboxAsync();
        var response = await TokenAsync("api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com", header);
        var token = (string)(await response.JsonAsync())["access_token"]!;

        var entry = Emu.State.Requests.Snapshot().Last(r => r.Path == "/msi/token");

        Assert.True(entry.HasAuthorization);
        Assert.Equal(200, entry.Status);
        var logged = System.Text.Json.JsonSerializer.Serialize(entry);
        Assert.DoesNotContain(header, logged);
        Assert.DoesNotContain(token.Split('.')[2], logged);
    }
}
