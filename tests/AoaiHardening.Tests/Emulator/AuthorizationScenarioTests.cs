using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>Scenario keys for RBAC (principals, managementGroups, roleAssignments): loading, validation, control API, reset.</summary>
public sealed class AuthorizationScenarioTests(EmulatorFixture emu) : EmulatorTest(emu, AuthzTenant.Scenario()), IDisposable
{
    private const string Demo = "00000000-0000-0000-0000-00000000c0de";
    private const string DemoTenantId = "72a1c0de-5e11-4c0d-9a7e-0c0de0000001";
    private const string Alice = "a11ce000-0000-4000-8000-000000000001";
    private const string Bob = "b0b00000-0000-4000-8000-000000000002";
    private const string Copilot = "c0b11a70-0000-4000-8000-000000000003";
    private const string Admins = "d0e5ad00-0000-4000-8000-000000000004";
    private const string Deployer = "c1de0000-0000-4000-8000-000000000005";
    private const string CopilotIdentity = "e1d00000-0000-4000-8000-000000000006";
    private const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    private static readonly string Prod = $"/subscriptions/{Demo}/resourceGroups/rg-ai-prod/providers/Microsoft.CognitiveServices/accounts/contoso-openai-prod";
    private static readonly string Dev = $"/subscriptions/{Demo}/resourceGroups/rg-ai-dev/providers/Microsoft.CognitiveServices/accounts/contoso-openai-dev";

    private readonly HttpClient control = new() { BaseAddress = emu.Emulator.BaseUri };

    public void Dispose() => control.Dispose();

    private static string Ra(int n) => $"0a000000-0000-4000-8000-00000000000{n}";

    [Fact]
    public void The_demo_tenant_seeds_six_assignments_with_the_directory_types()
    {
        Emu.Reset(ScenarioTests.DemoTenantJson());

        var seeded = Emu.State.GetResources(RoleAssignmentType).ToDictionary(a => (string)a["name"]!, a => a["properties"]!);

        Assert.Equal(Enumerable.Range(1, 6).Select(Ra), seeded.Keys);
        (string Scope, string Role, string Principal, string Type)[] expected =
        [
            ($"/subscriptions/{Demo}/resourceGroups/rg-ai-prod", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", Alice, "User"),
            (Prod, "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", Copilot, "ServicePrincipal"),
            (Prod, "b24988ac-6180-42a0-ab88-20f7382dd24c", Deployer, "ServicePrincipal"),
            ($"/subscriptions/{Demo}", "acdd72a7-3385-48ef-bd42-f606fba81ae7", Admins, "Group"),
            ("/providers/Microsoft.Management/managementGroups/mg-contoso", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", Bob, "User"),
            (Dev, "a001fd3d-188f-4b5d-821b-7da978bf7442", Bob, "User"),
        ];
        for (var i = 0; i < 6; i++)
        {
            var p = seeded[Ra(i + 1)];
            Assert.Equal(expected[i].Scope, (string?)p["scope"]);
            Assert.EndsWith("/providers/Microsoft.Authorization/roleDefinitions/" + expected[i].Role, (string?)p["roleDefinitionId"]);
            Assert.Equal(expected[i].Principal, (string?)p["principalId"]);
            Assert.Equal(expected[i].Type, (string?)p["principalType"]);
            Assert.Equal((string?)p["createdOn"], (string?)p["updatedOn"]);
            Assert.Null(p["createdBy"]);
        }
    }

    [Fact]
    public async Task Demo_tenant_atScope_on_the_prod_account_has_everything_above_it_and_not_the_dev_account()
    {
        Emu.Reset(ScenarioTests.DemoTenantJson());

        var names = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(Prod, filter: "atScope()"))).NamesAsync();
        var bobs = await (await Emu.Http.GetAsync(AuthzTenant.Assignments($"/subscriptions/{Demo}", filter: $"assignedTo('{Bob}')"))).NamesAsync();

        Assert.Equal([Ra(1), Ra(2), Ra(3), Ra(4), Ra(5)], names);
        Assert.Equal([Ra(5), Ra(6)], bobs);
    }

    [Fact]
    public async Task Demo_tenant_identities_are_known_principals()
    {
        Emu.Reset(ScenarioTests.DemoTenantJson());
        var identity = $"/subscriptions/{Demo}/resourceGroups/rg-ai-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-contoso-copilot";

        var uai = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(Prod, "9e000000-0000-4000-8000-0000000000b1"),
            AuthzTenant.Body("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", CopilotIdentity));
        var system = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(Prod, "9e000000-0000-4000-8000-0000000000b2"),
            AuthzTenant.Body("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "7d2e9b64-1c3a-4f5e-8b90-a1b2c3d4e5f6")); // contoso-aiservices' system identity
        var attached = await (await Emu.SendAsync(HttpMethod.Patch, Api(Prod), JsonNode.Parse(
            $$"""{ "identity": { "type": "UserAssigned", "userAssignedIdentities": { "{{identity}}": {} } } }"""))).JsonAsync();

        Assert.Equal("ServicePrincipal", (string?)(await uai.JsonAsync())["properties"]!["principalType"]);
        Assert.Equal("ServicePrincipal", (string?)(await system.JsonAsync())["properties"]!["principalType"]);
        Assert.Equal(CopilotIdentity, (string?)attached["identity"]!["userAssignedIdentities"]![identity]!["principalId"]);
        Assert.Equal("e1d0c11e-0000-4000-8000-000000000007", (string?)attached["identity"]!["userAssignedIdentities"]![identity]!["clientId"]);
        Assert.Equal(DemoTenantId, Emu.State.TenantId);
    }

    [Fact]
    public async Task The_control_API_lists_role_assignments_and_reset_restores_the_seeded_ones()
    {
        await Emu.Http.DeleteAsync(AuthzTenant.Assignments(AccountPath("acct-a"), AuthzTenant.AtAccountA));
        await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(GroupPath(), "9e000000-0000-4000-8000-0000000000c1"),
            AuthzTenant.Body(AuthzTenant.Reader, AuthzTenant.App));

        var changed = await ListedNamesAsync();
        var reset = await control.PostAsync("/_emulator/reset", null);
        var restored = await ListedNamesAsync();

        Assert.DoesNotContain(AuthzTenant.AtAccountA, changed);
        Assert.Contains("9e000000-0000-4000-8000-0000000000c1", changed);
        Assert.Equal(200, (int)reset.StatusCode);
        Assert.Contains(AuthzTenant.AtAccountA, restored);
        Assert.DoesNotContain("9e000000-0000-4000-8000-0000000000c1", restored);
        Assert.Equal(7, restored.Length);
    }

    [Fact]
    public async Task Posting_a_scenario_replaces_the_role_assignments()
    {
        var response = await control.PostAsync("/_emulator/scenario", new StringContent(ScenarioTests.DemoTenantJson()));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(Enumerable.Range(1, 6).Select(Ra), await ListedNamesAsync());
        var listed = await (await control.GetAsync($"/_emulator/resources?type={Uri.EscapeDataString(RoleAssignmentType)}")).JsonAsync();
        Assert.Equal($"{Prod}/providers/Microsoft.Authorization/roleAssignments/{Ra(2)}", (string?)listed["value"]![1]!["id"]);
        Assert.NotNull(Emu.State.GetResource($"{Prod}/providers/Microsoft.Authorization/roleAssignments/{Ra(2)}"));
    }

    private async Task<string[]> ListedNamesAsync()
    {
        var listed = await (await control.GetAsync($"/_emulator/resources?type={Uri.EscapeDataString(RoleAssignmentType)}")).JsonAsync();
        return listed["value"]!.AsArray().Select(a => (string)a!["name"]!).ToArray();
    }

    public static TheoryData<string, string> InvalidScenarios() => new()
    {
        { """{ "principals": [ { "id": "not-a-guid", "type": "User" } ] }""", "principal id 'not-a-guid'" },
        { """{ "principals": [ { "id": "11111111-0000-4000-8000-000000000001", "type": "Robot" } ] }""", "type 'Robot'" },
        { """{ "managementGroups": [ { "name": "a", "parent": "b" } ] }""", "parent 'b', which is not declared" },
        { """{ "managementGroups": [ { "name": "a", "parent": "b" }, { "name": "b", "parent": "a" } ] }""", "own ancestor" },
        { """{ "managementGroups": [ { "name": "a", "subscriptions": [ "7e57c0de-0000-4000-8000-000000000001" ] } ] }""", "does not declare" },
        { WithRbac("""{ "name": "a", "subscriptions": [ "S" ] }, { "name": "b", "subscriptions": [ "S" ] }""", ""), "one parent" },
        { WithRbac("", """{ "name": "nope", "scope": "/", "roleDefinitionId": "R", "principalId": "U" }"""), "the name is not a GUID" },
        { WithRbac("", """{ "name": "N", "scope": "/subscriptions/S/resourceGroups/rg-ghost", "roleDefinitionId": "R", "principalId": "U" }"""), "rg-ghost" },
        { WithRbac("", """{ "name": "N", "scope": "/subscriptions/S/resourceGroups/rg-test/providers/Microsoft.CognitiveServices/accounts/ghost", "roleDefinitionId": "R", "principalId": "U" }"""), "ghost" },
        { WithRbac("", """{ "name": "N", "scope": "/providers/Microsoft.Management/managementGroups/mg-ghost", "roleDefinitionId": "R", "principalId": "U" }"""), "mg-ghost" },
        { WithRbac("", """{ "name": "N", "scope": "subscriptions/S", "roleDefinitionId": "R", "principalId": "U" }"""), "is not '/'" },
        { WithRbac("", """{ "name": "N", "scope": "/", "roleDefinitionId": "00000000-0000-4000-8000-00000000dead", "principalId": "U" }"""), "not a built-in role" },
        { WithRbac("", """{ "name": "N", "scope": "/", "roleDefinitionId": "Reader", "principalId": "U" }"""), "neither a GUID" },
        { WithRbac("", """{ "name": "N", "scope": "/", "roleDefinitionId": "R", "principalId": "99999999-0000-4000-8000-000000000099" }"""), "give a principalType" },
        { WithRbac("", """{ "name": "N", "scope": "/", "roleDefinitionId": "R", "principalId": "U", "principalType": "Group" }"""), "is a User in the directory, not a Group" },
        { WithRbac("", """{ "name": "N", "scope": "/", "roleDefinitionId": "R", "principalId": "U" }, { "name": "0a000000-0000-4000-8000-000000000099", "scope": "/", "roleDefinitionId": "R", "principalId": "U" }"""),
          "already assigned" },
        { """{ "roleAssignments": [ { "name": "0a000000-0000-4000-8000-000000000001", "scope": "/" } ] }""", "not valid" },
    };

    [Theory]
    [MemberData(nameof(InvalidScenarios))]
    public void Invalid_RBAC_scenario_parts_are_refused_with_the_reason_and_leave_state_unchanged(string json, string messagePart)
    {
        var error = Assert.Throws<ScenarioException>(() => Emu.State.LoadScenario(json));

        Assert.Contains(messagePart, error.Message);
        Assert.Equal(7, Emu.State.GetResources(RoleAssignmentType).Count);
    }

    [Fact]
    public void A_valid_RBAC_scenario_fragment_loads_which_keeps_the_invalid_cases_honest()
    {
        Emu.State.LoadScenario(WithRbac("""{ "name": "mg", "subscriptions": [ "S" ] }""",
            """{ "name": "N", "scope": "/providers/Microsoft.Management/managementGroups/MG", "roleDefinitionId": "R", "principalId": "U", "principalType": "user" }"""));

        var assignment = Assert.Single(Emu.State.GetResources(RoleAssignmentType));
        Assert.Equal("/providers/Microsoft.Management/managementGroups/mg", (string?)assignment["properties"]!["scope"]);
        Assert.Equal("User", (string?)assignment["properties"]!["principalType"]);
    }

    /// <summary>
    /// The test tenant with the given management groups and role assignments; S, N, R and U stand for the subscription,
    /// a fresh assignment name, the Reader role and a declared user.
    /// </summary>
    private static string WithRbac(string managementGroups, string roleAssignments)
    {
        var scenario = JsonNode.Parse(Scenario())!.AsObject();
        scenario["principals"] = new JsonArray(new JsonObject { ["id"] = AuthzTenant.User, ["type"] = "User" });
        scenario["managementGroups"] = JsonNode.Parse($"[{managementGroups.Replace("\"S\"", $"\"{Subscription}\"")}]");
        scenario["roleAssignments"] = JsonNode.Parse($"[{roleAssignments}]"
            .Replace("/S/", $"/{Subscription}/").Replace("/S\"", $"/{Subscription}\"")
            .Replace("\"N\"", "\"0a000000-0000-4000-8000-000000000001\"")
            .Replace("\"R\"", $"\"{AuthzTenant.Reader}\"")
            .Replace("\"U\"", $"\"{AuthzTenant.User}\""));
        return scenario.ToJsonString();
    }
}
