using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiScopeLevel = AoaiHardening.Arm.AoaiScopeLevel;
using ArmScope = AoaiHardening.Arm.ArmScope;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;
using Xunit;
using static AoaiHardening.Tests.Rules.RuleTestKit;

namespace AoaiHardening.Tests.Rules
{
    /// <summary>AOAI-IAM-003 and IAM-004 over role assignments in the input (REST and template shapes).</summary>
    public class RoleAssignmentRuleTests
    {
        private const string Group = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t";
        private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
        private const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
        private const string CsContributor = "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68";
        private const string OpenAiContributor = "a001fd3d-188f-4b5d-821b-7da978bf7442";
        private const string OpenAiUser = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd";

        private static InputResource Assignment(string scope, string role, string principalType, string principal = "11111111-2222-3333-4444-555555555555", string name = "0a000000-0000-4000-8000-000000000001")
        {
            var id = $"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}";
            var json = new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["type"] = "Microsoft.Authorization/roleAssignments",
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = $"/subscriptions/00000000-1111-2222-3333-444444444444/providers/Microsoft.Authorization/roleDefinitions/{role}",
                    ["principalId"] = principal,
                    ["principalType"] = principalType,
                    ["scope"] = scope,
                },
            };
            return new InputResource(id, "Microsoft.Authorization/roleAssignments", name, json, null);
        }

        [Theory]
        [InlineData(Owner, "User", AoaiFindingStatus.Fail)]
        [InlineData(Contributor, "User", AoaiFindingStatus.Fail)]
        [InlineData(CsContributor, "User", AoaiFindingStatus.Fail)]
        [InlineData(OpenAiContributor, "User", AoaiFindingStatus.Pass)] // the GUID trap: OpenAI Contributor is not a management role here
        [InlineData(OpenAiUser, "User", AoaiFindingStatus.Pass)]
        [InlineData(Owner, "Group", AoaiFindingStatus.Pass)]
        [InlineData(Owner, "ServicePrincipal", AoaiFindingStatus.Pass)]
        public void Iam003_users_with_management_roles_at_the_account(string role, string type, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(), "AOAI-IAM-003", related: new[] { Assignment(AccountId, role, type) }).Status);

        [Theory]
        [InlineData(Contributor, "ServicePrincipal", AoaiFindingStatus.Fail)]
        [InlineData(CsContributor, "ServicePrincipal", AoaiFindingStatus.Fail)]
        [InlineData(OpenAiUser, "ServicePrincipal", AoaiFindingStatus.Pass)]
        [InlineData(Owner, "User", AoaiFindingStatus.Pass)]
        public void Iam004_workloads_with_management_roles(string role, string type, AoaiFindingStatus expected) =>
            Assert.Equal(expected, One(Account(), "AOAI-IAM-004", related: new[] { Assignment(Group, role, type) }).Status);

        [Fact]
        public void Iam003_reports_each_offending_assignment_with_evidence_and_a_revoke_fix()
        {
            var findings = Evaluate(Account(), "AOAI-IAM-003", related: new[]
            {
                Assignment(Group, Owner, "User", "a11ce000-0000-4000-8000-000000000001", "0a000000-0000-4000-8000-000000000001"),
                Assignment(AccountId, CsContributor, "User", "b0b00000-0000-4000-8000-000000000002", "0a000000-0000-4000-8000-000000000002"),
                Assignment(AccountId, OpenAiUser, "User", "b0b00000-0000-4000-8000-000000000002", "0a000000-0000-4000-8000-000000000003"),
            });
            Assert.Equal(2, findings.Count);
            Assert.All(findings, f => Assert.Equal(AoaiFindingStatus.Fail, f.Status));
            var owner = findings[0];
            Assert.Equal("a11ce000-0000-4000-8000-000000000001", owner.Evidence!["PrincipalId"]);
            Assert.Equal(Owner, owner.Evidence["RoleDefinitionId"]);
            Assert.Equal(Group, owner.Evidence["Scope"]);
            Assert.Contains("Owner", owner.Target);
            Assert.Equal("Revoke-AoaiRoleAssignment", owner.RemediationCommand);
            var fix = RuleCatalog.Find("AOAI-IAM-003")!.Fix!;
            Assert.True(fix.HighImpact);
            Assert.Equal($"Revoke-AoaiRoleAssignment -ResourceId '{AccountId}' -PrincipalId 'a11ce000-0000-4000-8000-000000000001' -Role '{Owner}' -Scope '{Group}'",
                fix.Render(owner, RepairInputs.None));
        }

        [Fact]
        public void Iam004_fix_grants_the_data_plane_role_in_place()
        {
            var finding = One(Account(), "AOAI-IAM-004", related: new[] { Assignment(AccountId, Contributor, "ServicePrincipal") });
            var (parameters, missing) = RuleCatalog.Find("AOAI-IAM-004")!.Fix!.Bind(finding, RepairInputs.None);
            Assert.Empty(missing);
            Assert.Equal("Cognitive Services OpenAI User", parameters["ReplaceWith"]);
            Assert.Equal(Contributor, parameters["Role"]);
        }

        [Fact]
        public void No_role_assignments_in_the_input_is_not_evaluated_but_an_empty_set_for_this_account_passes()
        {
            Assert.Equal(AoaiFindingStatus.NotEvaluated, One(Account(), "AOAI-IAM-003").Status);
            // The type is in the input (for another account), none for this one: nobody holds anything here.
            var engine = new HardeningEngine(new EngineOptions { Baseline = Baseline.Strict, Rules = new[] { "AOAI-IAM-003" }, AvailableCommands = ModuleCommands });
            var finding = engine.Evaluate(new AccountInput(Account(), new List<InputResource>()),
                new HashSet<string> { "Microsoft.Authorization/roleAssignments" }).Single();
            Assert.Equal(AoaiFindingStatus.Pass, finding.Status);
        }

        [Fact]
        public void A_template_assignment_names_its_role_through_an_expression()
        {
            var json = JsonNode.Parse($@"{{""type"":""Microsoft.Authorization/roleAssignments"",""name"":""[guid('x')]"",
                ""properties"":{{""roleDefinitionId"":""[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{Contributor}')]"",
                ""principalId"":""[parameters('deployer')]"",""principalType"":""ServicePrincipal""}}}}")!.AsObject();
            var assignment = new InputResource($"{AccountId}/providers/Microsoft.Authorization/roleAssignments/[guid('x')]", "Microsoft.Authorization/roleAssignments", "[guid('x')]", json, null);
            Assert.Equal(AoaiFindingStatus.Fail, One(Account(), "AOAI-IAM-004", related: new[] { assignment }).Status);
            // Without a principalType nobody can say whether a user holds it: not evaluated rather than a guess.
            ((JsonObject)json["properties"]!).Remove("principalType");
            Assert.Equal(AoaiFindingStatus.NotEvaluated, One(Account(), "AOAI-IAM-003", related: new[] { assignment }).Status);
        }

        [Theory]
        [InlineData("/", AoaiScopeLevel.Root)]
        [InlineData("/providers/Microsoft.Management/managementGroups/mg-contoso", AoaiScopeLevel.ManagementGroup)]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444", AoaiScopeLevel.Subscription)]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t", AoaiScopeLevel.ResourceGroup)]
        [InlineData(AccountId, AoaiScopeLevel.Resource)]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-t/providers/Microsoft.KeyVault/vaults/kv1", AoaiScopeLevel.Resource)]
        public void Scopes_parse_with_their_level(string scope, AoaiScopeLevel level) => Assert.Equal(level, ArmScope.Parse(scope).Level);

        [Theory]
        [InlineData("")]
        [InlineData("subscriptions/00000000-1111-2222-3333-444444444444")]
        [InlineData("/subscriptions/not-a-guid")]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg t")]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444//resourceGroups/rg")]
        [InlineData("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg/providers/Microsoft.X")]
        [InlineData(" /subscriptions/00000000-1111-2222-3333-444444444444")]
        public void Malformed_scopes_are_refused(string scope) => Assert.Throws<System.ArgumentException>(() => ArmScope.Parse(scope));

        [Fact]
        public void Assignment_names_are_deterministic_guids_per_scope_role_and_principal()
        {
            var a = RoleAssignmentService.NameFor(AccountId, OpenAiUser, "a11ce000-0000-4000-8000-000000000001");
            Assert.Equal(a, RoleAssignmentService.NameFor(AccountId.ToUpperInvariant() + "/", OpenAiUser.ToUpperInvariant(), "A11CE000-0000-4000-8000-000000000001"));
            Assert.NotEqual(a, RoleAssignmentService.NameFor(Group, OpenAiUser, "a11ce000-0000-4000-8000-000000000001"));
            Assert.NotEqual(a, RoleAssignmentService.NameFor(AccountId, Owner, "a11ce000-0000-4000-8000-000000000001"));
            Assert.True(System.Guid.TryParseExact(a, "D", out _));
            Assert.Equal('5', a[14]); // version 5 layout
        }

        [Theory]
        [InlineData("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635")]
        [InlineData("/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd", "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd")]
        [InlineData("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]", "b24988ac-6180-42a0-ab88-20f7382dd24c")]
        [InlineData("[parameters('role')]", null)]
        public void Role_guids_are_read_from_every_form(string value, string? expected) => Assert.Equal(expected, BuiltInRoles.GuidOf(value));

        [Fact]
        public void The_openai_contributor_guid_is_not_cognitive_services_contributor()
        {
            Assert.Equal("Cognitive Services OpenAI Contributor", BuiltInRoles.ById(OpenAiContributor)!.Name);
            Assert.Equal(CsContributor, BuiltInRoles.ByName("cognitive services contributor")!.Id);
            Assert.DoesNotContain(OpenAiContributor, BuiltInRoles.RuleManagementRoles);
        }
    }
}
