using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Rules
{
    /// <summary>
    /// AOAI-IAM-003 and IAM-004 (rules.md): management roles (Owner, Contributor, Cognitive Services Contributor, compared
    /// by GUID) held at the account or its resource group by users, resp. by service principals. The same code reads REST
    /// output (live, or exported) and template resources, whose roleDefinitionId is an expression naming the GUID.
    /// </summary>
    internal static class RoleAssignmentRules
    {
        public const string RelatedType = "Microsoft.Authorization/roleAssignments";

        public static IEnumerable<RuleOutcome> Evaluate(RuleContext c, string principalType)
        {
            var assignments = c.Related(RelatedType);
            if (assignments == null)
                return new[] { RuleOutcome.NotEvaluated("The input holds no role assignments (Microsoft.Authorization/roleAssignments): export them with the accounts, or evaluate live.") };
            var who = principalType == "User" ? "user" : "service principal";
            var outcomes = new List<RuleOutcome>();
            var unknownType = 0;
            foreach (var assignment in assignments)
            {
                var props = assignment.Json["properties"] as JsonObject;
                var role = BuiltInRoles.GuidOf(Json.Str(props?["roleDefinitionId"]));
                if (role == null || !BuiltInRoles.RuleManagementRoles.Contains(role)) continue;
                var typeNode = props?["principalType"];
                var type = AccountFacts.IsExpression(typeNode) ? null : Json.Str(typeNode);
                if (type == null)
                {
                    unknownType++;
                    continue;
                }
                if (!string.Equals(type, principalType, StringComparison.OrdinalIgnoreCase)) continue;
                var principal = Json.Str(props?["principalId"]) ?? "(unknown)";
                var scope = AoaiRoleAssignment.ScopeOf(assignment.Json, assignment.Id) ?? c.Account.Id;
                var roleName = BuiltInRoles.ById(role)!.Name;
                var where = ArmScope.SameScope(scope, c.Account.Id) ? "the account" : "its resource group";
                outcomes.Add(RuleOutcome.Fail(
                        $"The {who} {principal} holds '{roleName}' on {where}{(principalType == "User" ? ": grant management through a group with just-in-time elevation instead" : ": workloads need 'Cognitive Services OpenAI User' only")}.",
                        $"{type} {principal}: {roleName} at {scope}", principalType == "User" ? "no user with Owner, Contributor or Cognitive Services Contributor" : "data-plane roles only",
                        target: $"role assignment {assignment.Name} ({roleName}, {principalType} {principal})")
                    .WithEvidence(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
                    {
                        ["RoleAssignmentId"] = assignment.Id,
                        ["PrincipalId"] = principal,
                        ["PrincipalType"] = type,
                        ["RoleDefinitionId"] = role,
                        ["RoleDefinitionName"] = roleName,
                        ["Scope"] = scope,
                    }));
            }
            if (outcomes.Count > 0) return outcomes;
            if (unknownType > 0)
                return new[] { RuleOutcome.NotEvaluated($"{unknownType} management-role assignment(s) at the account or its resource group do not state their principalType, so it is unknown whether a {who} holds them.") };
            return new[]
            {
                RuleOutcome.Pass($"No {who} holds Owner, Contributor or Cognitive Services Contributor at the account or its resource group ({assignments.Count} assignment(s) checked).",
                    $"{assignments.Count} assignment(s)", principalType == "User" ? "no user with a management role" : "data-plane roles only"),
            };
        }

        /// <summary>The rules' live data: assignments at the account or its resource group (what rules.md names), from one list per resource group shared by the scan.</summary>
        public static IReadOnlyList<Input.InputResource> ReadLive(RoleAssignmentService service, string accountId, ArmCallOptions call)
        {
            var account = AccountId.Parse(accountId);
            var group = $"/subscriptions/{account.SubscriptionId}/resourceGroups/{account.ResourceGroupName}";
            try
            {
                return service.ListInResourceGroupShared(account.SubscriptionId, account.ResourceGroupName, call)
                    .Where(json =>
                    {
                        var scope = AoaiRoleAssignment.ScopeOf(json);
                        return ArmScope.SameScope(scope, accountId) || ArmScope.SameScope(scope, group);
                    })
                    .Select(json => new Input.InputResource(Json.Str(json["id"]) ?? string.Empty, RelatedType, Json.Str(json["name"]) ?? string.Empty, json, null))
                    .ToList();
            }
            catch (ArmRequestException ex)
            {
                throw new RelatedReadException($"reading the role assignments of '{account.Name}' failed ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }
        }
    }
}
