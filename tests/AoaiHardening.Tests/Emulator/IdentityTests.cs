using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Managed identities on account writes: user-assigned ones must exist; every identity is a principal RBAC knows.</summary>
public sealed class IdentityTests(EmulatorFixture emu) : EmulatorTest(emu, AuthzTenant.Scenario(), c => c with { LroStyle = LroStyle.Sync })
{
    private static readonly string App = AuthzTenant.UaiPath("id-app");
    private static readonly string Bare = AuthzTenant.UaiPath("id-bare");
    private static readonly string Ghost = AuthzTenant.UaiPath("id-ghost");

    private static JsonObject Attach(string type, params (string Id, JsonNode? Value)[] identities) => new()
    {
        ["identity"] = new JsonObject
        {
            ["type"] = type,
            ["userAssignedIdentities"] = new JsonObject(identities.Select(i => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(i.Id, i.Value))),
        },
    };

    [Fact]
    public async Task Patch_attaching_a_user_assigned_identity_fills_its_principal_and_client_ids()
    {
        var response = await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Attach("UserAssigned", (App, new JsonObject())));
        var account = await response.JsonAsync();

        Assert.Equal(200, (int)response.StatusCode);
        var entry = account["identity"]!["userAssignedIdentities"]![App]!;
        Assert.Equal(AuthzTenant.UaiPrincipal, (string?)entry["principalId"]);
        Assert.Equal(AuthzTenant.UaiClient, (string?)entry["clientId"]);
        Assert.Null(account["identity"]!["principalId"]); // no system-assigned identity asked for
        Assert.True(JsonNode.DeepEquals(account["identity"], Emu.State.GetResource(AccountPath("acct-a"))!["identity"]));
    }

    [Fact]
    public async Task The_identity_id_is_matched_ignoring_case_and_ids_the_client_sends_are_ignored()
    {
        var forged = new JsonObject { ["principalId"] = "00000000-0000-4000-8000-00000000f00d", ["clientId"] = "00000000-0000-4000-8000-00000000f00d" };

        var account = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")),
            Attach("SystemAssigned, UserAssigned", (App.ToUpperInvariant(), forged)))).JsonAsync();

        var entry = account["identity"]!["userAssignedIdentities"]![App.ToUpperInvariant()]!;
        Assert.Equal(AuthzTenant.UaiPrincipal, (string?)entry["principalId"]);
        Assert.Equal(AuthzTenant.UaiClient, (string?)entry["clientId"]);
        Assert.True(Guid.TryParse((string?)account["identity"]!["principalId"], out _));
    }

    [Fact]
    public async Task An_identity_without_ids_in_the_scenario_gets_stable_ones_shown_on_its_own_GET_too()
    {
        var first = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Attach("UserAssigned", (Bare, new JsonObject())))).JsonAsync();
        var second = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-b")), Attach("UserAssigned", (Bare, new JsonObject())))).JsonAsync();
        var uai = await (await Emu.Http.GetAsync($"{Bare}?api-version=2023-01-31")).JsonAsync();

        var entry = first["identity"]!["userAssignedIdentities"]![Bare]!;
        Assert.True(Guid.TryParse((string?)entry["principalId"], out _));
        Assert.True(JsonNode.DeepEquals(entry, second["identity"]!["userAssignedIdentities"]![Bare]));
        Assert.Equal((string?)entry["principalId"], (string?)uai["properties"]!["principalId"]);
        Assert.Equal((string?)entry["clientId"], (string?)uai["properties"]!["clientId"]);
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    public async Task An_identity_that_does_not_exist_is_400_FailedIdentityOperation_and_changes_nothing(string method)
    {
        var before = Emu.State.GetResource(AccountPath("acct-a"))!.ToJsonString();
        var body = Attach("UserAssigned", (App, new JsonObject()), (Ghost, new JsonObject()));
        if (method == "PUT")
            body = (JsonObject)JsonMerge(Account("acct-a"), body);

        var message = await (await Emu.SendAsync(new HttpMethod(method), Api(AccountPath("acct-a")), body)).AssertErrorAsync(400, "FailedIdentityOperation");

        Assert.Contains($"'{Ghost}' was not found", message);
        Assert.Equal(before, Emu.State.GetResource(AccountPath("acct-a"))!.ToJsonString());
    }

    [Fact]
    public async Task A_resource_of_another_type_is_not_a_user_assigned_identity()
    {
        var message = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Attach("UserAssigned", (AccountPath("acct-b"), new JsonObject()))))
            .AssertErrorAsync(400, "FailedIdentityOperation");

        Assert.Contains(AccountPath("acct-b"), message);
    }

    [Fact]
    public async Task Creating_an_account_with_an_unknown_identity_creates_nothing()
    {
        var body = (JsonObject)JsonMerge(Account("acct-new"), Attach("UserAssigned", (Ghost, new JsonObject())));

        await (await Emu.SendAsync(HttpMethod.Put, Api(AccountPath("acct-new")), body)).AssertErrorAsync(400, "FailedIdentityOperation");

        Assert.Null(Emu.State.GetResource(AccountPath("acct-new")));
    }

    [Fact]
    public async Task A_merge_patch_null_detaches_one_identity_and_keeps_the_others()
    {
        await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")), Attach("UserAssigned", (App, new JsonObject()), (Bare, new JsonObject())));

        var detached = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")),
            JsonNode.Parse($$"""{ "identity": { "userAssignedIdentities": { "{{App}}": null } } }"""))).JsonAsync();

        var remaining = detached["identity"]!["userAssignedIdentities"]!.AsObject();
        Assert.Equal([Bare], remaining.Select(e => e.Key));
        Assert.Equal("UserAssigned", (string?)detached["identity"]!["type"]);
    }

    [Fact]
    public async Task A_null_for_an_identity_the_account_never_had_is_no_lookup_and_no_entry()
    {
        // RFC 7396: nulls inside an object the target lacks mean "absent", they are not stored as nulls.
        var account = await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")),
            Attach("UserAssigned", (App, new JsonObject()), (Ghost, null)))).JsonAsync();

        Assert.Equal([App], account["identity"]!["userAssignedIdentities"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task Identities_are_service_principals_for_role_assignments()
    {
        var minted = (string)(await (await Emu.SendAsync(HttpMethod.Patch, Api(AccountPath("acct-a")),
            JsonNode.Parse("""{ "identity": { "type": "SystemAssigned" } }"""))).JsonAsync())["identity"]!["principalId"]!;

        var forSystem = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountPath("acct-b"), "9e000000-0000-4000-8000-0000000000a1"),
            AuthzTenant.Body(AuthzTenant.OpenAIUser, minted));
        var forUserAssigned = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountPath("acct-b"), "9e000000-0000-4000-8000-0000000000a2"),
            AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.UaiPrincipal));
        var asUser = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountPath("acct-b"), "9e000000-0000-4000-8000-0000000000a3"),
            AuthzTenant.Body(AuthzTenant.Reader, AuthzTenant.UaiPrincipal, "User"));

        Assert.Equal(201, (int)forSystem.StatusCode);
        Assert.Equal("ServicePrincipal", (string?)(await forSystem.JsonAsync())["properties"]!["principalType"]);
        Assert.Equal(201, (int)forUserAssigned.StatusCode);
        Assert.Equal("ServicePrincipal", (string?)(await forUserAssigned.JsonAsync())["properties"]!["principalType"]);
        await asUser.AssertErrorAsync(400, "UnmatchedPrincipalType");
    }

    private static JsonNode JsonMerge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
            target[key] = value?.DeepClone();
        return target;
    }
}
