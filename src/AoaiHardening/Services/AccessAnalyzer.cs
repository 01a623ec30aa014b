using System.Collections.Generic;
using System.Linq;
using AoaiHardening.Arm;
using AoaiHardening.Model;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The access audit of the hardening guide, as rules of judgement: users with management roles (High), workloads or
    /// groups with more than data-plane roles (Medium), roles that expose keys or are not needed (Medium/Low), and the
    /// least-privilege data-plane role (None). Each judgement carries its recommendation.
    /// </summary>
    internal static class AccessAnalyzer
    {
        private const string DataPlaneRole = "Cognitive Services OpenAI User";

        public static AoaiAccessEntry KeyAuthentication(AoaiAccount account) => account.DisableLocalAuth
            ? new AoaiAccessEntry
            {
                Kind = "KeyAuthentication",
                Risk = AoaiAccessRisk.None,
                Finding = "Key (local) authentication is disabled: every caller uses Microsoft Entra ID.",
                Recommendation = "None.",
            }
            : new AoaiAccessEntry
            {
                Kind = "KeyAuthentication",
                Risk = AoaiAccessRisk.High,
                Finding = "Key (local) authentication is enabled: anyone holding an account key calls the account with no identity in the logs, whatever the role assignments say.",
                Recommendation = "Move callers to Microsoft Entra ID (a managed identity with 'Cognitive Services OpenAI User'), then Disable-AoaiLocalAuth. Until then keep the keys in Key Vault and rotate them (Invoke-AoaiKeyRotation).",
            };

        public static AoaiAccessEntry Judge(AoaiRoleAssignment assignment, RoleClass roleClass)
        {
            var entry = new AoaiAccessEntry
            {
                PrincipalId = assignment.PrincipalId,
                PrincipalType = assignment.PrincipalType,
                RoleDefinitionName = assignment.RoleDefinitionName,
                RoleDefinitionId = assignment.RoleDefinitionId,
                Scope = assignment.Scope,
                ScopeLevel = assignment.ScopeLevel.ToString(),
                Inherited = assignment.Inherited,
                RoleAssignmentId = assignment.Id,
            };
            var role = $"'{assignment.RoleDefinitionName}'";
            var where = Where(assignment);
            var broad = assignment.ScopeLevel <= AoaiScopeLevel.Subscription
                ? $" The assignment is made at the {Level(assignment.ScopeLevel)} and reaches every resource there: change it at that scope."
                : string.Empty;
            switch (roleClass)
            {
                case RoleClass.Management:
                    switch (assignment.PrincipalType)
                    {
                        case "User":
                            return Set(entry, AoaiAccessRisk.High,
                                assignment.RoleDefinitionId == BuiltInRoles.UserAccessAdministrator
                                    ? $"A user holds {role} {where}: they can grant any role on the account, to others or to themselves."
                                    : $"A user holds {role} {where}: they can list the account keys, change network, content-filter and identity settings{(assignment.RoleDefinitionId == BuiltInRoles.Owner ? ", and grant access to others" : string.Empty)}.",
                                "Revoke the standing assignment (Revoke-AoaiRoleAssignment) and grant management through a group with just-in-time elevation (Privileged Identity Management)." + broad);
                        case "ServicePrincipal":
                            return Set(entry, AoaiAccessRisk.Medium,
                                $"A workload identity holds {role} {where}: a leaked credential or a compromised workload could change, open up or delete the account.",
                                $"Grant '{DataPlaneRole}' to call models and revoke {role} (Revoke-AoaiRoleAssignment -ReplaceWith '{DataPlaneRole}'); keep deployment pipelines on a separate identity." + broad);
                        case "Group":
                            return Set(entry, AoaiAccessRisk.Medium,
                                $"Every member of the group holds {role} {where}.",
                                "Make the membership eligible rather than permanent (Privileged Identity Management for groups) and keep the group small." + broad);
                        default:
                            return Set(entry, AoaiAccessRisk.Medium,
                                $"A principal of type {assignment.PrincipalType} holds {role} {where}.",
                                "Find out who the principal is; revoke the assignment if nobody needs it (Revoke-AoaiRoleAssignment)." + broad);
                    }
                case RoleClass.KeyReader:
                    return Set(entry, AoaiAccessRisk.Medium,
                        $"{role} {where} includes listKeys: the holder can read the account keys and call the account anonymously.",
                        $"Replace it with '{DataPlaneRole}' (Revoke-AoaiRoleAssignment -ReplaceWith '{DataPlaneRole}').");
                case RoleClass.ElevatedDataPlane:
                    return Set(entry, AoaiAccessRisk.Low,
                        $"{role} {where} can create deployments and fine-tuning jobs as well as call models.",
                        $"Keep it for people who manage deployments; workloads that only call models need '{DataPlaneRole}'.");
                case RoleClass.DataPlane:
                    return Set(entry, AoaiAccessRisk.None, $"{role} {where}: the least-privilege data-plane role.", "None.");
                case RoleClass.Reader:
                    return Set(entry, AoaiAccessRisk.None, $"{role} {where} reads configuration only (no keys, no data).", "None; remove it when nobody needs it.");
                case RoleClass.Unrelated:
                    return assignment.Inherited
                        ? Set(entry, AoaiAccessRisk.None, $"{role} {where} is meant for other resources and grants nothing on the account.", "None.")
                        : Set(entry, AoaiAccessRisk.Low, $"{role} is assigned on the account itself but grants nothing on a Cognitive Services account.",
                            "Remove it (Revoke-AoaiRoleAssignment): a role that is not needed is one more thing to audit.");
                default:
                    return Set(entry, AoaiAccessRisk.Low, $"Custom or unknown role {role} {where}.",
                        "Review its actions: it should not include Microsoft.CognitiveServices/accounts/listKeys/action or write actions unless needed.");
            }
        }

        public static RoleClass ClassOf(string roleGuid) => BuiltInRoles.ById(roleGuid)?.Class ?? RoleClass.Unknown;

        public static AoaiAccessRisk Highest(IEnumerable<AoaiAccessEntry> entries) =>
            entries.Select(e => e.Risk).DefaultIfEmpty(AoaiAccessRisk.None).Max();

        private static AoaiAccessEntry Set(AoaiAccessEntry entry, AoaiAccessRisk risk, string finding, string recommendation)
        {
            entry.Risk = risk;
            entry.Finding = finding;
            entry.Recommendation = recommendation;
            return entry;
        }

        private static string Where(AoaiRoleAssignment a) => a.Inherited ? $"through the {Level(a.ScopeLevel)} (inherited)" : "on the account";

        private static string Level(AoaiScopeLevel level) => level switch
        {
            AoaiScopeLevel.Root => "tenant root",
            AoaiScopeLevel.ManagementGroup => "management group",
            AoaiScopeLevel.Subscription => "subscription",
            AoaiScopeLevel.ResourceGroup => "resource group",
            _ => "resource",
        };
    }
}
