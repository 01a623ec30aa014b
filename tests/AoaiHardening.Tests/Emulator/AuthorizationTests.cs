using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Core;
using Xunit;
using static AoaiHardening.Tests.Emulator.TestTenant;

namespace AoaiHardening.Tests.Emulator;

/// <summary>
/// <see cref="TestTenant"/> plus what RBAC needs: two nested management groups above the subscription, directory
/// principals, user-assigned identities, and one role assignment at every kind of scope.
/// </summary>
public static class AuthzTenant
{
    public const string Version = "2022-04-01";
    public const string ParentGroup = "mg-parent";
    public const string ChildGroup = "mg-child";

    public const string User = "11111111-0000-4000-8000-000000000001";
    public const string Group = "22222222-0000-4000-8000-000000000002";
    public const string App = "33333333-0000-4000-8000-000000000003";
    public const string UaiPrincipal = "44444444-0000-4000-8000-000000000004";
    public const string UaiClient = "44444444-0000-4000-8000-0000000000c1";

    public const string OpenAIUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";
    public const string OpenAIContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";

    // Seeded assignments, one per scope kind (names say where they are).
    public const string AtAccountA = "0a000000-0000-4000-8000-00000000000a";
    public const string AtGroup = "0a000000-0000-4000-8000-00000000000b";
    public const string AtSubscription = "0a000000-0000-4000-8000-00000000000c";
    public const string AtParentGroup = "0a000000-0000-4000-8000-00000000000d";
    public const string AtAccountB = "0a000000-0000-4000-8000-00000000000e";
    public const string AtRoot = "0a000000-0000-4000-8000-00000000000f";
    public const string AtOtherGroup = "0a000000-0000-4000-8000-000000000010";

    public static string SubscriptionPath => $"/subscriptions/{Subscription}";
    public static string ManagementGroupPath(string name) => $"/providers/Microsoft.Management/managementGroups/{name}";
    public static string UaiPath(string name) => $"{GroupPath()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}";

    /// <summary><c>{scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]?api-version=2022-04-01</c>.</summary>
    public static string Assignments(string scope, string? name = null, string? filter = null, string version = Version) =>
        (scope == "/" ? "" : scope) + "/providers/Microsoft.Authorization/roleAssignments" + (name is null ? "" : "/" + name) +
        $"?api-version={version}" + (filter is null ? "" : "&$filter=" + Uri.EscapeDataString(filter));

    public static string Definitions(string scope, string? id = null, string? filter = null, string version = Version) =>
        (scope == "/" ? "" : scope) + "/providers/Microsoft.Authorization/roleDefinitions" + (id is null ? "" : "/" + id) +
        $"?api-version={version}" + (filter is null ? "" : "&$filter=" + Uri.EscapeDataString(filter));

    public static JsonObject Body(string role, string principal, string? principalType = null, string? description = null)
    {
        var properties = new JsonObject
        {
            ["roleDefinitionId"] = role.StartsWith('/') ? role : $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            ["principalId"] = principal,
        };
        if (principalType is not null)
            properties["principalType"] = principalType;
        if (description is not null)
            properties["description"] = description;
        return new JsonObject { ["properties"] = properties };
    }

    public static JsonObject Uai(string name, string? principalId = null, string? clientId = null)
    {
        var properties = new JsonObject { ["tenantId"] = TenantId };
        if (principalId is not null)
            properties["principalId"] = principalId;
        if (clientId is not null)
            properties["clientId"] = clientId;
        return new JsonObject
        {
            ["type"] = "Microsoft.ManagedIdentity/userAssignedIdentities", ["name"] = name, ["location"] = "eastus", ["properties"] = properties,
        };
    }

    public static string Scenario()
    {
        var scenario = JsonNode.Parse(TestTenant.Scenario(
            Account("acct-a"), Account("acct-b", "AIServices"), Uai("id-app", UaiPrincipal, UaiClient), Uai("id-bare")))!.AsObject();
        scenario["managementGroups"] = JsonNode.Parse($$"""
            [ { "name": "{{ParentGroup}}", "displayName": "Parent" },
              { "name": "{{ChildGroup}}", "parent": "{{ParentGroup}}", "subscriptions": [ "{{Subscription}}" ] } ]
            """);
        scenario["principals"] = JsonNode.Parse($$"""
            [ { "id": "{{User}}", "type": "User", "displayName": "user@test" },
              { "id": "{{Group}}", "type": "group", "displayName": "admins" },
              { "id": "{{App}}", "type": "ServicePrincipal", "displayName": "app" } ]
            """);
        scenario["roleAssignments"] = new JsonArray(
            Seed(AtAccountA, AccountPath("acct-a"), OpenAIUser, User),
            Seed(AtGroup, GroupPath(), Reader, Group),
            Seed(AtSubscription, SubscriptionPath, $"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/{Contributor}", App),
            Seed(AtParentGroup, ManagementGroupPath(ParentGroup), $"/providers/Microsoft.Authorization/roleDefinitions/{Reader}", User),
            Seed(AtAccountB, AccountPath("acct-b"), OpenAIUser, User),
            Seed(AtRoot, "/", UserAccessAdministrator, Group),
            Seed(AtOtherGroup, GroupPath(OtherGroup), Reader, User));
        return scenario.ToJsonString();
    }

    private static JsonObject Seed(string name, string scope, string role, string principal) => new()
    {
        ["name"] = name, ["scope"] = scope, ["roleDefinitionId"] = role, ["principalId"] = principal,
    };

    public static async Task<string[]> NamesAsync(this HttpResponseMessage response)
    {
        Assert.Equal(200, (int)response.StatusCode);
        return (await response.JsonAsync())["value"]!.AsArray().Select(a => (string)a!["name"]!).Order().ToArray();
    }
}

/// <summary>Microsoft.Authorization role assignments: writes and ARM's refusals, reads, scope inheritance, filters, paging.</summary>
public sealed class AuthorizationTests(EmulatorFixture emu) : EmulatorTest(emu, AuthzTenant.Scenario())
{
    private const string NewName = "9e000000-0000-4000-8000-000000000001";
    private const string OtherName = "9e000000-0000-4000-8000-000000000002";
    private const string Stranger = "99999999-0000-4000-8000-000000000099";

    private static string AccountA => AccountPath("acct-a");

    [Fact]
    public async Task Put_creates_201_with_every_field_of_the_official_example_and_the_directory_principal_type()
    {
        var response = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName),
            AuthzTenant.Body(AuthzTenant.OpenAIContributor, AuthzTenant.App, description: "deploys models"));
        var created = await response.JsonAsync();

        Assert.Equal(201, (int)response.StatusCode);
        var example = Example("RoleAssignments_CreateForResource.json")["responses"]!["201"]!["body"]!;
        Assert.Empty(PathsOf(example).Except(PathsOf(created)));
        Assert.Equal($"{AccountA}/providers/Microsoft.Authorization/roleAssignments/{NewName}", (string?)created["id"]);
        Assert.Equal(NewName, (string?)created["name"]);
        Assert.Equal("Microsoft.Authorization/roleAssignments", (string?)created["type"]);
        var p = created["properties"]!;
        Assert.Equal($"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/{AuthzTenant.OpenAIContributor}", (string?)p["roleDefinitionId"]);
        Assert.Equal(AuthzTenant.App, (string?)p["principalId"]);
        Assert.Equal("ServicePrincipal", (string?)p["principalType"]);
        Assert.Equal(AccountA, (string?)p["scope"]);
        Assert.Equal("deploys models", (string?)p["description"]);
        Assert.True(p.AsObject().ContainsKey("condition") && p["condition"] is null);
        Assert.True(p.AsObject().ContainsKey("delegatedManagedIdentityResourceId"));
        Assert.True(DateTimeOffset.TryParse((string?)p["createdOn"], out _));
        Assert.Equal((string?)p["createdOn"], (string?)p["updatedOn"]);
        Assert.True(Guid.TryParse((string?)p["createdBy"], out _));
        Assert.Null(response.Header("Azure-AsyncOperation")); // synchronous in ARM
        Assert.True(JsonNode.DeepEquals(created, await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, NewName))).JsonAsync()));
    }

    [Fact]
    public async Task Re_put_of_the_same_assignment_is_200_and_idempotent()
    {
        var body = AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App);
        var first = await (await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName), body)).JsonAsync();

        // Tenant-level role id and upper-case GUIDs name the same role, principal and assignment.
        var again = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA.ToUpperInvariant(), NewName.ToUpperInvariant()),
            AuthzTenant.Body($"/providers/Microsoft.Authorization/roleDefinitions/{AuthzTenant.OpenAIUser.ToUpperInvariant()}", AuthzTenant.App.ToUpperInvariant()));
        var second = await again.JsonAsync();

        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal((string?)first["id"], (string?)second["id"]);
        Assert.Equal((string?)first["properties"]!["createdOn"], (string?)second["properties"]!["createdOn"]);
        Assert.Equal((string?)first["properties"]!["roleDefinitionId"], (string?)second["properties"]!["roleDefinitionId"]);
        Assert.Single(Emu.State.GetResources("Microsoft.Authorization/roleAssignments"), a => (string?)a["name"] == NewName);
    }

    [Fact]
    public async Task Same_role_and_principal_at_the_same_scope_under_another_name_is_409_naming_the_existing_one()
    {
        var message = await (await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName),
            AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.User))).AssertErrorAsync(409, "RoleAssignmentExists");

        Assert.Equal($"The role assignment already exists. The ID of the existing role assignment is {AuthzTenant.AtAccountA.Replace("-", "")}.", message);
        Assert.Null(Emu.State.GetResource($"{AccountA}/providers/Microsoft.Authorization/roleAssignments/{NewName}"));
    }

    [Fact]
    public async Task The_same_role_and_principal_at_another_scope_is_a_new_assignment()
    {
        var response = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(GroupPath(), NewName), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.User));

        Assert.Equal(201, (int)response.StatusCode);
    }

    public static TheoryData<string, string, JsonObject, int, string, string> Refusals() => new()
    {
        { "not-a-guid", AccountA, AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App), 400, "InvalidRoleAssignmentId",
          "The role assignment ID 'not-a-guid' is not valid. The role assignment ID must be a GUID." },
        { NewName, AccountA, AuthzTenant.Body("00000000-0000-4000-8000-00000000dead", AuthzTenant.App), 400, "RoleDefinitionDoesNotExist",
          "The specified role definition with ID '00000000-0000-4000-8000-00000000dead' does not exist." },
        { NewName, AccountA, AuthzTenant.Body(AuthzTenant.OpenAIUser, "bob"), 400, "InvalidPrincipalId", "The principal ID 'bob' is not valid. The principal ID must be a GUID." },
        { NewName, AccountA, AuthzTenant.Body(AuthzTenant.OpenAIUser, Stranger), 400, "PrincipalNotFound",
          $"Principal {Stranger} does not exist in the directory {TenantId}. Check that you have the correct principal ID. If you are creating this principal " +
          "and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType " +
          "property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype" },
        { NewName, AccountA, AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.User, "Group"), 400, "UnmatchedPrincipalType",
          $"The PrincipalId '{AuthzTenant.User}' has type 'User' , which is different from specified PrincipalType 'Group'." },
        // An existing name with another role, another principal, or at another scope: names are unique in the tenant.
        { AuthzTenant.AtAccountA, AccountA, AuthzTenant.Body(AuthzTenant.OpenAIContributor, AuthzTenant.User), 400, "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated." },
        { AuthzTenant.AtAccountA, AccountA, AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App), 400, "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated." },
        { AuthzTenant.AtAccountA, GroupPath(), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.User), 400, "RoleAssignmentUpdateNotPermitted",
          "Tenant ID, application ID, principal ID, and scope are not allowed to be updated." },
        { NewName, AccountPath("ghost"), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App), 404, "ResourceNotFound",
          $"The Resource 'Microsoft.CognitiveServices/accounts/ghost' under resource group '{Group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix" },
        { NewName, GroupPath("rg-ghost"), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App), 404, "ResourceGroupNotFound", "Resource group 'rg-ghost' could not be found." },
        { NewName, AuthzTenant.ManagementGroupPath("mg-ghost"), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App), 404, "ManagementGroupNotFound",
          "The management group 'mg-ghost' could not be found." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Put_refusals_have_ARMs_codes_and_messages_and_store_nothing(string name, string scope, JsonObject body, int status, string code, string message)
    {
        var before = Emu.State.GetResources("Microsoft.Authorization/roleAssignments").Select(a => a.ToJsonString()).ToArray();

        var actual = await (await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(scope, name), body)).AssertErrorAsync(status, code);

        Assert.Equal(message, actual);
        Assert.Equal(before, Emu.State.GetResources("Microsoft.Authorization/roleAssignments").Select(a => a.ToJsonString()));
    }

    [Theory]
    [InlineData("ServicePrincipal", "ServicePrincipal")]
    [InlineData("user", "User")] // canonical spelling stored
    public async Task An_unknown_principal_with_a_principalType_is_accepted_as_ARM_does_during_replication_delay(string given, string stored)
    {
        var response = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName), AuthzTenant.Body(AuthzTenant.OpenAIUser, Stranger, given));

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(stored, (string?)(await response.JsonAsync())["properties"]!["principalType"]);
    }

    [Fact]
    public async Task Get_returns_the_assignment_only_at_its_own_scope()
    {
        var found = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA))).JsonAsync();

        Assert.Equal(AuthzTenant.User, (string?)found["properties"]!["principalId"]);
        Assert.Equal("User", (string?)found["properties"]!["principalType"]);
        Assert.Equal(AccountA, (string?)found["properties"]!["scope"]);
        Assert.Equal($"The role assignment '{AuthzTenant.AtAccountA}' is not found.",
            await (await Emu.Http.GetAsync(AuthzTenant.Assignments(GroupPath(), AuthzTenant.AtAccountA))).AssertErrorAsync(404, "RoleAssignmentNotFound"));
        await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, NewName))).AssertErrorAsync(404, "RoleAssignmentNotFound");
    }

    [Fact]
    public async Task Delete_returns_the_deleted_assignment_then_204()
    {
        var deleted = await Emu.Http.DeleteAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA));
        var body = await deleted.JsonAsync();
        var again = await Emu.Http.DeleteAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA));

        Assert.Equal(200, (int)deleted.StatusCode);
        Assert.Equal(AuthzTenant.AtAccountA, (string?)body["name"]);
        Assert.Equal($"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/{AuthzTenant.OpenAIUser}", (string?)body["properties"]!["roleDefinitionId"]);
        Assert.Equal(204, (int)again.StatusCode);
        await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA))).AssertErrorAsync(404, "RoleAssignmentNotFound");
    }

    [Fact]
    public async Task Assignments_at_a_deleted_resource_can_still_be_deleted()
    {
        Emu.State.Config = Emu.State.Config with { LroStyle = LroStyle.Sync };
        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(Api(AccountA))).StatusCode);

        await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA))).AssertErrorAsync(404, "ResourceNotFound");
        Assert.Equal(200, (int)(await Emu.Http.DeleteAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA))).StatusCode);
    }

    [Fact]
    public async Task AtScope_on_an_account_lists_it_and_everything_above_but_not_a_sibling_or_another_group()
    {
        var names = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, filter: "atScope()"))).NamesAsync();

        // direct, resource group, subscription, the parent of the subscription's management group, the root
        Assert.Equal(new[] { AuthzTenant.AtAccountA, AuthzTenant.AtGroup, AuthzTenant.AtSubscription, AuthzTenant.AtParentGroup, AuthzTenant.AtRoot }.Order(), names);
    }

    [Fact]
    public async Task Without_a_filter_the_list_has_what_is_at_above_and_below_the_scope()
    {
        var atGroup = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(GroupPath()))).NamesAsync();
        var atChildGroup = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AuthzTenant.ManagementGroupPath(AuthzTenant.ChildGroup)))).NamesAsync();
        var atRootOnly = await (await Emu.Http.GetAsync(AuthzTenant.Assignments("/", filter: "atScope()"))).NamesAsync();

        Assert.Equal(new[] { AuthzTenant.AtAccountA, AuthzTenant.AtGroup, AuthzTenant.AtSubscription, AuthzTenant.AtParentGroup, AuthzTenant.AtAccountB, AuthzTenant.AtRoot }.Order(), atGroup);
        Assert.Equal(7, atChildGroup.Length); // the subscription is below it, so everything is at, above or below
        Assert.Equal([AuthzTenant.AtRoot], atRootOnly);
    }

    [Theory]
    [InlineData("principalId eq '{0}'")]
    [InlineData("assignedTo('{0}')")]
    [InlineData("  PRINCIPALID   EQ   '{0}' ")]
    [InlineData("assignedto ( '{0}' )")]
    public async Task A_principal_filter_lists_that_principals_assignments_at_above_and_below(string filter)
    {
        var names = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AuthzTenant.SubscriptionPath, filter: string.Format(filter, AuthzTenant.User)))).NamesAsync();

        Assert.Equal(new[] { AuthzTenant.AtAccountA, AuthzTenant.AtParentGroup, AuthzTenant.AtAccountB, AuthzTenant.AtOtherGroup }.Order(), names);
    }

    [Theory]
    [InlineData("atScope() and principalId eq '{0}'")]
    [InlineData("atScope() and assignedTo('{0}')")]
    [InlineData("assignedTo('{0}')  AND  atscope( )")]
    public async Task AtScope_combines_with_a_principal_filter(string filter)
    {
        var names = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, filter: string.Format(filter, AuthzTenant.User)))).NamesAsync();

        Assert.Equal(new[] { AuthzTenant.AtAccountA, AuthzTenant.AtParentGroup }.Order(), names);
    }

    [Theory]
    [InlineData("roleDefinitionId eq 'x'")]
    [InlineData("atScope() or principalId eq '11111111-0000-4000-8000-000000000001'")]
    [InlineData("atScope() and atScope()")]
    [InlineData("principalId eq 'not-a-guid'")]
    [InlineData("principalId eq '11111111-0000-4000-8000-000000000001' and assignedTo('11111111-0000-4000-8000-000000000001')")]
    public async Task Other_filters_are_400_UnsupportedQuery(string filter)
    {
        var message = await (await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, filter: filter))).AssertErrorAsync(400, "UnsupportedQuery");

        Assert.Contains(filter, message);
    }

    [Fact]
    public async Task Lists_are_paged_with_nextLinks_that_keep_the_filter()
    {
        Emu.State.Config = Emu.State.Config with { PageSize = 2 };
        var next = new Uri(Emu.Emulator.BaseUri, AuthzTenant.Assignments(AccountA, filter: "atScope()"));
        var pages = new List<string[]>();

        while (next is not null)
        {
            var page = await (await Emu.Http.GetAsync(next)).JsonAsync();
            pages.Add(page["value"]!.AsArray().Select(a => (string)a!["name"]!).ToArray());
            next = (string?)page["nextLink"] is { } link ? new Uri(link) : null;
        }

        Assert.Equal([2, 2, 1], pages.Select(p => p.Length));
        Assert.Equal(new[] { AuthzTenant.AtAccountA, AuthzTenant.AtGroup, AuthzTenant.AtSubscription, AuthzTenant.AtParentGroup, AuthzTenant.AtRoot },
            pages.SelectMany(p => p)); // creation order
        Assert.All(Emu.State.Requests.Snapshot().Skip(1), r => Assert.Contains("atScope", Uri.UnescapeDataString(r.Query)));
    }

    [Fact]
    public async Task Management_group_and_root_assignments_use_the_tenant_level_role_definition_id()
    {
        var atGroup = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AuthzTenant.ManagementGroupPath("MG-CHILD"), NewName), AuthzTenant.Body(AuthzTenant.Reader, AuthzTenant.App));
        var atRoot = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments("/", OtherName), AuthzTenant.Body(AuthzTenant.Reader, AuthzTenant.App));

        Assert.Equal(201, (int)atGroup.StatusCode);
        var group = await atGroup.JsonAsync();
        Assert.Equal($"/providers/Microsoft.Management/managementGroups/{AuthzTenant.ChildGroup}/providers/Microsoft.Authorization/roleAssignments/{NewName}", (string?)group["id"]);
        Assert.Equal($"/providers/Microsoft.Authorization/roleDefinitions/{AuthzTenant.Reader}", (string?)group["properties"]!["roleDefinitionId"]);
        var root = await atRoot.JsonAsync();
        Assert.Equal($"/providers/Microsoft.Authorization/roleAssignments/{OtherName}", (string?)root["id"]);
        Assert.Equal("/", (string?)root["properties"]!["scope"]);
    }

    [Fact]
    public async Task Role_assignment_routes_take_only_api_version_2022_04_01()
    {
        var old = await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, version: "2020-04-01-preview"));
        var cognitive = await Emu.Http.GetAsync(AuthzTenant.Assignments(AccountA, AuthzTenant.AtAccountA, version: CsVersion));
        var none = await Emu.Http.GetAsync(AccountA + "/providers/Microsoft.Authorization/roleAssignments");
        var definitions = await Emu.Http.GetAsync(AuthzTenant.Definitions("/", AuthzTenant.Reader, version: "2015-07-01"));

        Assert.StartsWith("The api-version '2020-04-01-preview' is invalid. The supported versions are '2022-04-01'.", await old.AssertErrorAsync(400, "InvalidApiVersionParameter"));
        await cognitive.AssertErrorAsync(400, "InvalidApiVersionParameter");
        await none.AssertErrorAsync(400, "MissingApiVersionParameter");
        await definitions.AssertErrorAsync(400, "InvalidApiVersionParameter");
    }

    [Fact]
    public async Task Requests_are_logged_and_faults_apply_to_role_assignment_routes()
    {
        Emu.State.Faults.Add(new FaultSpec { Path = "/roleAssignments/", Method = "PUT", Kind = FaultKind.Status, Status = 429, RetryAfter = 3 });

        var throttled = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App));
        var retried = await Emu.SendAsync(HttpMethod.Put, AuthzTenant.Assignments(AccountA, NewName), AuthzTenant.Body(AuthzTenant.OpenAIUser, AuthzTenant.App));

        await throttled.AssertErrorAsync(429, "TooManyRequests");
        Assert.Equal("3", throttled.Header("Retry-After"));
        Assert.Equal(201, (int)retried.StatusCode);
        var log = Emu.State.Requests.Snapshot();
        Assert.Equal([429, 201], log.Select(r => r.Status));
        Assert.Equal(["status", null], log.Select(r => r.Fault));
        Assert.All(log, r => Assert.Equal($"{AccountA}/providers/Microsoft.Authorization/roleAssignments/{NewName}", r.Path));
        Assert.Equal("2022-04-01", log[1].ApiVersion);
        Assert.Equal(AuthzTenant.App, (string?)log[1].Body!["properties"]!["principalId"]);
    }

    [Fact]
    public async Task Writes_need_a_bearer_token_like_every_ARM_call()
    {
        using var anonymous = new HttpClient { BaseAddress = Emu.Emulator.BaseUri };

        await (await anonymous.GetAsync(AuthzTenant.Assignments(AccountA))).AssertErrorAsync(401, "AuthenticationFailed");
    }

    private static JsonNode Example(string file)
    {
        var examples = typeof(AuthorizationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ArmExamplesDir").Value!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(examples, "Microsoft.Authorization", "2022-04-01", file)))!;
    }

    internal static JsonNode ExampleFor(string file) => Example(file);

    /// <summary>Every property path in a JSON object ("properties.scope", …).</summary>
    internal static IEnumerable<string> PathsOf(JsonNode node, string prefix = "") =>
        node is JsonObject obj ? obj.SelectMany(p => PathsOf(p.Value!, prefix + p.Key + ".").Prepend(prefix + p.Key)) : [];
}

/// <summary>The built-in role catalogue: get by id at any scope, list with roleName / type filters.</summary>
public sealed class RoleDefinitionTests(EmulatorFixture emu) : EmulatorTest(emu, AuthzTenant.Scenario())
{
    [Fact]
    public async Task Get_by_id_has_every_field_of_the_official_example_and_real_permissions()
    {
        var role = await (await Emu.Http.GetAsync(AuthzTenant.Definitions(AccountPath("acct-a"), AuthzTenant.OpenAIUser))).JsonAsync();

        var example = AuthorizationTests.ExampleFor("GetRoleDefinitionById.json")["responses"]!["200"]!["body"]!;
        Assert.Empty(AuthorizationTests.PathsOf(example).Except(AuthorizationTests.PathsOf(role)));
        Assert.Equal($"/subscriptions/{Subscription}/providers/Microsoft.Authorization/roleDefinitions/{AuthzTenant.OpenAIUser}", (string?)role["id"]);
        Assert.Equal(AuthzTenant.OpenAIUser, (string?)role["name"]);
        Assert.Equal("Microsoft.Authorization/roleDefinitions", (string?)role["type"]);
        var p = role["properties"]!;
        Assert.Equal("Cognitive Services OpenAI User", (string?)p["roleName"]);
        Assert.Equal("BuiltInRole", (string?)p["type"]);
        Assert.Equal(["/"], p["assignableScopes"]!.AsArray().Select(s => (string)s!));
        var permissions = p["permissions"]![0]!;
        Assert.Contains("Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action", permissions["dataActions"]!.AsArray().Select(a => (string)a!));
        Assert.Equal(["Microsoft.CognitiveServices/accounts/OpenAI/stored-completions/read"], permissions["notDataActions"]!.AsArray().Select(a => (string)a!));
        Assert.Empty(permissions["notActions"]!.AsArray());
    }

    [Theory]
    [InlineData("/", "/providers/Microsoft.Authorization/roleDefinitions/")]
    [InlineData("/providers/Microsoft.Management/managementGroups/mg-child", "/providers/Microsoft.Authorization/roleDefinitions/")]
    [InlineData("/subscriptions/7e57c0de-0000-4000-8000-000000000001/resourceGroups/rg-test", "/subscriptions/7e57c0de-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/")]
    public async Task The_id_carries_the_subscription_only_below_one(string scope, string idPrefix)
    {
        var role = await (await Emu.Http.GetAsync(AuthzTenant.Definitions(scope, AuthzTenant.Contributor))).JsonAsync();

        Assert.Equal(idPrefix + AuthzTenant.Contributor, (string?)role["id"]);
        Assert.Contains("Microsoft.Authorization/*/Write", role["properties"]!["permissions"]![0]!["notActions"]!.AsArray().Select(a => (string)a!));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner")]
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor")]
    [InlineData("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader")]
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator")]
    [InlineData("5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "Cognitive Services OpenAI User")]
    [InlineData("a001fd3d-188f-4b5d-821b-7da978bf7442", "Cognitive Services OpenAI Contributor")] // not "Cognitive Services Contributor"
    [InlineData("25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68", "Cognitive Services Contributor")]
    [InlineData("a97b65f3-24c7-4388-baec-2e87135dc908", "Cognitive Services User")]
    [InlineData("bba48692-92b0-4667-a9ad-c31c7b334ac2", "Cognitive Services Usages Reader")]
    [InlineData("e147488a-f6f5-4113-8e2d-b22465e65bf6", "Key Vault Crypto Service Encryption User")]
    [InlineData("14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "Key Vault Crypto Officer")]
    [InlineData("b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "Key Vault Secrets Officer")]
    [InlineData("1407120a-92aa-4202-b7e9-c0e197c71c8f", "Search Index Data Reader")]
    [InlineData("8ebe5a00-799e-43f5-93ac-243d3dce84a7", "Search Index Data Contributor")]
    [InlineData("7ca78c08-252a-4471-8644-bb5ff32d4ba0", "Search Service Contributor")]
    [InlineData("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor")]
    [InlineData("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "Storage Blob Data Reader")]
    public async Task The_catalogue_has_the_roles_the_module_relies_on_under_their_real_ids(string id, string name)
    {
        var role = await (await Emu.Http.GetAsync(AuthzTenant.Definitions("/", id.ToUpperInvariant()))).JsonAsync();

        Assert.Equal(id, (string?)role["name"]);
        Assert.Equal(name, (string?)role["properties"]!["roleName"]);
        var permissions = role["properties"]!["permissions"]![0]!;
        Assert.NotEmpty(permissions["actions"]!.AsArray().Concat(permissions["dataActions"]!.AsArray()));
    }

    [Fact]
    public async Task An_unknown_role_definition_is_404()
    {
        var message = await (await Emu.Http.GetAsync(AuthzTenant.Definitions($"/subscriptions/{Subscription}", "00000000-0000-4000-8000-00000000dead")))
            .AssertErrorAsync(404, "RoleDefinitionDoesNotExist");

        Assert.Equal("The specified role definition with ID '00000000-0000-4000-8000-00000000dead' does not exist.", message);
    }

    [Theory]
    [InlineData("roleName eq 'Cognitive Services OpenAI User'")]
    [InlineData("rolename   EQ 'cognitive services openai user'")]
    public async Task RoleName_filter_finds_one_role_ignoring_case(string filter)
    {
        var names = await (await Emu.Http.GetAsync(AuthzTenant.Definitions($"/subscriptions/{Subscription}", filter: filter))).NamesAsync();

        Assert.Equal([AuthzTenant.OpenAIUser], names);
    }

    [Fact]
    public async Task Type_filter_and_no_filter_list_the_whole_catalogue()
    {
        var all = await (await Emu.Http.GetAsync(AuthzTenant.Definitions("/"))).NamesAsync();
        var builtIn = await (await Emu.Http.GetAsync(AuthzTenant.Definitions(GroupPath(), filter: "type eq 'BuiltInRole'"))).NamesAsync();
        var custom = await (await Emu.Http.GetAsync(AuthzTenant.Definitions(GroupPath(), filter: "type eq 'CustomRole'"))).NamesAsync();
        var unknown = await (await Emu.Http.GetAsync(AuthzTenant.Definitions(GroupPath(), filter: "roleName eq 'Nobody'"))).NamesAsync();

        Assert.True(all.Length >= 17);
        Assert.Equal(all, builtIn);
        Assert.Empty(custom);
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Other_role_definition_filters_are_400()
    {
        await (await Emu.Http.GetAsync(AuthzTenant.Definitions("/", filter: "permissions eq '*'"))).AssertErrorAsync(400, "UnsupportedQuery");
    }
}
