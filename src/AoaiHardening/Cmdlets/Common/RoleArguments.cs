using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AoaiHardening.Arm;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets
{
    /// <summary>Validation and resolution of the RBAC cmdlets' -Role, -PrincipalId and -Scope, before any write.</summary>
    internal static class RoleArguments
    {
        public static readonly string[] PrincipalTypes = { "User", "Group", "ServicePrincipal", "ForeignGroup", "Device" };

        public static void ValidatePrincipalId(string principalId)
        {
            if (!BuiltInRoles.IsGuid(principalId))
                throw new ArgumentException($"'{principalId}' is not a principal id: expected the object id (a GUID) of a user, group or service principal in Microsoft Entra ID.");
        }

        /// <summary>
        /// The role's GUID and name, or a terminating InvalidArgument error naming the built-in roles (a typo in a role
        /// name must never become a grant of something else). Reads role definitions only for custom role names.
        /// </summary>
        public static (string Id, string Name) Resolve(AoaiCmdlet cmdlet, RoleAssignmentService service, string role, string? subscriptionId)
        {
            if (service.ResolveRole(role, subscriptionId, cmdlet.Call) is { } found) return found;
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"{cmdlet.MyInvocation.MyCommand.Name}: '{role}' is not a known role. Give a role definition GUID, or a name such as " +
                                      string.Join(", ", BuiltInRoles.All.Take(4).Select(r => $"'{r.Name}'")) + " (tab completion lists the built-in roles)."),
                "AoaiHardening.Rbac.UnknownRole", ErrorCategory.InvalidArgument, role));
            throw new InvalidOperationException(); // unreachable
        }
    }

    /// <summary>Completes the built-in role names the module knows (quoted: they contain spaces).</summary>
    public sealed class RoleNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return BuiltInRoles.All
                .Where(r => r.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase) || r.Name.IndexOf(" " + word, StringComparison.OrdinalIgnoreCase) >= 0)
                .Select(r => new CompletionResult($"'{r.Name}'", r.Name, CompletionResultType.ParameterValue, $"{r.Name} ({r.Id})"));
        }
    }
}
