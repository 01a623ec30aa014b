using System;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Grants a role to a principal at the account (default) or at -Scope. Idempotent: an assignment of the same role to
    /// the same principal at the same scope means no write, and ARM's 409 RoleAssignmentExists counts as success.
    /// </summary>
    [Cmdlet("Grant", "AoaiRoleAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiRoleAssignment))]
    public sealed class GrantAoaiRoleAssignment : AccountTargetCmdlet
    {
        private const string ScopeSet = "Scope";

        /// <summary>The role: a built-in name (tab completion), a custom role's name, or a role definition GUID.</summary>
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(RoleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Role { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [Alias("ObjectId")]
        [ValidateNotNullOrEmpty]
        public string PrincipalId { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateSet("User", "Group", "ServicePrincipal", "ForeignGroup", "Device")]
        public string PrincipalType { get; set; } = null!;

        /// <summary>Where to assign instead of an account: any ARM scope (resource, resource group, subscription, management group, root).</summary>
        [Parameter(Mandatory = true, ParameterSetName = ScopeSet)]
        [ValidateNotNullOrEmpty]
        public string? Scope { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Description { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private ArmScope? _scope;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            ValidateOrThrow(() => RoleArguments.ValidatePrincipalId(PrincipalId), "AoaiHardening.Rbac.InvalidPrincipalId", PrincipalId);
            if (Scope != null) _scope = ValidateOrThrow(() => ArmScope.Parse(Scope), "AoaiHardening.Rbac.InvalidScope", Scope);
        }

        protected override void ProcessRecord()
        {
            AccountId? account = ParameterSetName == ScopeSet ? null : ResolveTarget();
            var scope = _scope?.Value ?? account!.Id;
            var subscription = _scope != null ? _scope.SubscriptionId : account!.SubscriptionId;
            var service = new RoleAssignmentService(Arm);
            try
            {
                var role = RoleArguments.Resolve(this, service, Role, subscription);
                var existing = service.ListForPrincipal(scope, PrincipalId, account?.Id, account?.Name, subscription, Call).ToList();
                var same = existing.FirstOrDefault(a => a.Is(PrincipalId, role.Id, scope));
                if (same != null)
                {
                    WriteVerbose($"{PrincipalType} {PrincipalId} already holds '{role.Name}' at {scope}: nothing to do.");
                    if (PassThru) WriteObject(same);
                    return;
                }
                var inherited = existing.FirstOrDefault(a => string.Equals(a.RoleDefinitionId, role.Id, StringComparison.OrdinalIgnoreCase));
                if (inherited != null)
                    WriteVerbose($"{PrincipalType} {PrincipalId} already holds '{role.Name}' through {inherited.Scope}; assigning it at {scope} as asked.");

                if (!ShouldProcess($"{PrincipalType} {PrincipalId} at {scope}", $"Grant role '{role.Name}'")) return;
                if (PrincipalType == "User" && BuiltInRoles.RuleManagementRoles.Contains(role.Id))
                    WriteWarning($"'{role.Name}' for a user is what AOAI-IAM-003 flags: prefer a group with just-in-time elevation (Privileged Identity Management).");

                AoaiRoleAssignment created;
                try
                {
                    created = service.ToModel(service.Create(scope, role.Id, PrincipalId, PrincipalType, Description, subscription, Call),
                        account?.Id, account?.Name, subscription, Call);
                }
                catch (ArmRequestException ex) when (ex.Status == 409 && ex.ErrorCode == "RoleAssignmentExists")
                {
                    // Someone else granted it between our read and our write: the desired state holds.
                    WriteVerbose($"ARM reports the assignment already exists ({ex.ErrorCode}): nothing to do.");
                    if (PassThru)
                    {
                        var now = service.ListForPrincipal(scope, PrincipalId, account?.Id, account?.Name, subscription, Call)
                            .FirstOrDefault(a => a.Is(PrincipalId, role.Id, scope));
                        if (now != null) WriteObject(now);
                    }
                    return;
                }
                WriteVerbose($"Granted '{role.Name}' to {PrincipalType} {PrincipalId} at {scope} ({created.Name}).");
                if (PassThru) WriteObject(created);
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Rbac.GrantFailed", $"granting '{Role}' to {PrincipalType} {PrincipalId} at {scope}", scope));
            }
            catch (Exception ex) when (IsStopping(ex))
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                DrainMessages();
            }
        }
    }
}
