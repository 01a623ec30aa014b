using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>What ARM checks before any provider: auth, api-version, scope, routing, headers, body syntax.</summary>
public sealed class FrontDoorTests(EmulatorFixture emu) : EmulatorTest(emu)
{
    [Fact]
    public async Task Missing_api_version_is_400_MissingApiVersionParameter()
    {
        var message = await (await Emu.Http.GetAsync(AccountPath("acct-a"))).AssertErrorAsync(400, "MissingApiVersionParameter");
        Assert.Equal("The api-version query parameter (?api-version=) is required for all requests.", message);
    }

    [Theory]
    [InlineData("2099-01-01")]
    [InlineData("2022-12-01")] // valid for subscriptions, not for CognitiveServices
    public async Task Unsupported_api_version_is_400_listing_the_supported_ones(string version)
    {
        var message = await (await Emu.Http.GetAsync(Api(AccountPath("acct-a"), version))).AssertErrorAsync(400, "InvalidApiVersionParameter");
        Assert.StartsWith($"The api-version '{version}' is invalid. The supported versions are '2025-09-01,2025-06-01,2024-10-01'.", message);
    }

    [Fact]
    public async Task Each_resource_type_has_its_own_api_versions()
    {
        Assert.Equal(200, (int)(await Emu.Http.GetAsync($"/subscriptions/{Subscription}?api-version=2022-12-01")).StatusCode);
        Assert.Equal(200, (int)(await Emu.Http.GetAsync(Api(GroupPath(), "2021-04-01"))).StatusCode);
        await (await Emu.Http.GetAsync(Api(GroupPath(), "2022-12-01"))).AssertErrorAsync(400, "InvalidApiVersionParameter");
        await (await Emu.Http.GetAsync($"/subscriptions?api-version=2025-04-01")).AssertErrorAsync(400, "InvalidApiVersionParameter");
    }

    [Fact]
    public async Task No_bearer_token_is_401_with_a_challenge_naming_the_tenant()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api(AccountPath("acct-a")));
        request.Headers.Authorization = null;
        using var anonymous = new HttpClient { BaseAddress = Emu.Emulator.BaseUri };

        var response = await anonymous.SendAsync(request);

        var message = await response.AssertErrorAsync(401, "AuthenticationFailed");
        Assert.Equal("Authentication failed. The 'Authorization' header is missing.", message);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"authorization_uri=\"https://login.microsoftonline.com/{TenantId}\"", challenge.Parameter);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "AuthenticationFailed")]
    [InlineData("Bearer expired", "ExpiredAuthenticationToken")]
    public async Task Unusable_tokens_are_401(string authorization, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api(AccountPath("acct-a")));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var client = new HttpClient { BaseAddress = Emu.Emulator.BaseUri };

        var response = await client.SendAsync(request);

        await response.AssertErrorAsync(401, code);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Every_answer_carries_the_ARM_request_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Api(AccountPath("acct-a")));
        request.Headers.Add("x-ms-correlation-request-id", "corr-1");
        request.Headers.Add("x-ms-client-request-id", "client-1");

        var response = await Emu.Http.SendAsync(request);

        Assert.True(Guid.TryParse(response.Header("x-ms-request-id"), out _));
        Assert.Equal("corr-1", response.Header("x-ms-correlation-request-id"));
        Assert.Equal("client-1", response.Header("x-ms-client-request-id"));
        Assert.EndsWith(response.Header("x-ms-request-id")!, response.Header("x-ms-routing-request-id"));
        Assert.NotNull(response.Headers.Date);
        Assert.Equal("249", response.Header("x-ms-ratelimit-remaining-subscription-reads"));

        var uncorrelated = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));
        Assert.Equal(uncorrelated.Header("x-ms-request-id"), uncorrelated.Header("x-ms-correlation-request-id"));
    }

    [Fact]
    public async Task Remaining_quota_header_is_per_kind_of_request()
    {
        var write = await Emu.Http.PostAsync(Api(AccountPath("acct-a") + "/listKeys"), null);
        var delete = await Emu.Http.DeleteAsync(Api(AccountPath("nope")));

        Assert.Equal("199", write.Header("x-ms-ratelimit-remaining-subscription-writes"));
        Assert.Equal("199", delete.Header("x-ms-ratelimit-remaining-subscription-deletes"));
        Assert.Null(write.Header("x-ms-ratelimit-remaining-subscription-reads"));
    }

    [Fact]
    public async Task Unknown_scopes_and_resources_are_404_with_ARM_codes()
    {
        var unknownSubscription = "7e57c0de-0000-4000-8000-0000000000ff";
        await (await Emu.Http.GetAsync(Api($"/subscriptions/{unknownSubscription}/resourceGroups/{Group}/providers/Microsoft.CognitiveServices/accounts/acct-a")))
            .AssertErrorAsync(404, "SubscriptionNotFound");
        var rgMessage = await (await Emu.Http.GetAsync(Api(AccountPath("acct-a", "rg-missing")))).AssertErrorAsync(404, "ResourceGroupNotFound");
        Assert.Equal("Resource group 'rg-missing' could not be found.", rgMessage);
        var message = await (await Emu.Http.GetAsync(Api(AccountPath("acct-zzz")))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Equal(
            $"The Resource 'Microsoft.CognitiveServices/accounts/acct-zzz' under resource group '{Group}' was not found. " +
            "For more details please go to https://aka.ms/ARMResourceNotFoundFix", message);
    }

    [Fact]
    public async Task Unknown_routes_get_ARM_unknown_type_errors()
    {
        await (await Emu.Http.GetAsync(Api(AccountPath("acct-a") + "/noSuchChild"))).AssertErrorAsync(400, "InvalidResourceType");
        await (await Emu.Http.GetAsync(Api($"{GroupPath()}/providers/Microsoft.Nothing/things/x"))).AssertErrorAsync(404, "NoRegisteredProviderFound");
        await (await Emu.Http.GetAsync(Api($"{GroupPath()}/providers/Microsoft.Nothing"))).AssertErrorAsync(404, "NoRegisteredProviderFound");
        await (await Emu.Http.PostAsync(Api(AccountPath("acct-a")), null)).AssertErrorAsync(400, "InvalidResourceType");
    }

    [Fact]
    public async Task Paths_and_namespaces_match_case_insensitively()
    {
        var path = $"/SUBSCRIPTIONS/{Subscription.ToUpperInvariant()}/resourcegroups/RG-TEST/providers/microsoft.cognitiveservices/ACCOUNTS/ACCT-A";

        var account = await (await Emu.Http.GetAsync(Api(path))).JsonAsync();

        Assert.Equal(AccountPath("acct-a"), (string?)account["id"]);
    }

    [Fact]
    public async Task Malformed_json_body_is_400_InvalidRequestContent()
    {
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), "{\"properties\": ");

        var message = await response.AssertErrorAsync(400, "InvalidRequestContent");
        Assert.StartsWith("The request content was invalid and could not be deserialized", message);
    }

    [Fact]
    public async Task Subscriptions_and_resource_groups_have_the_ARM_shapes()
    {
        var subscriptions = await (await Emu.Http.GetAsync("/subscriptions?api-version=2022-12-01")).JsonAsync();
        var subscription = subscriptions["value"]!.AsArray().Single()!;
        Assert.Equal($"/subscriptions/{Subscription}", (string?)subscription["id"]);
        Assert.Equal(Subscription, (string?)subscription["subscriptionId"]);
        Assert.Equal(TenantId, (string?)subscription["tenantId"]);
        Assert.Equal("Emulator tests", (string?)subscription["displayName"]);
        Assert.Equal("Enabled", (string?)subscription["state"]);

        var group = await (await Emu.Http.GetAsync(Api(GroupPath(OtherGroup), "2025-04-01"))).JsonAsync();
        Assert.Equal(GroupPath(OtherGroup), (string?)group["id"]);
        Assert.Equal(OtherGroup, (string?)group["name"]);
        Assert.Equal("Microsoft.Resources/resourceGroups", (string?)group["type"]);
        Assert.Equal("westeurope", (string?)group["location"]);
        Assert.Equal("Succeeded", (string?)group["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Json_is_written_as_ARM_writes_it()
    {
        var response = await Emu.Http.GetAsync(Api(AccountPath("acct-a")));

        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        Assert.Contains("\"etag\":\"W/\\\"datetime'", await response.Content.ReadAsStringAsync());
    }
}
