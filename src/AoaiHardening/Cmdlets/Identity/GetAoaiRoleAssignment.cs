using System;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Every role assignment that reaches an account: made at the account, or inherited from its resource group, its
    /// subscription, management groups (those the caller may read) and the tenant root, with the role name resolved.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiRoleAssignment", DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiRoleAssignment))]
    public sealed class GetAoaiRoleAssignment : AccountTargetCmdlet
    {
        /// <summary>Only assignments of this principal (object id).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PrincipalId { get; set; }

        /// <summary>Only assignments of this role (name or GUID).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RoleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Role { get; set; }

        /// <summary>Only assignments made at the account itself.</summary>
        [Parameter]
        public SwitchParameter ExcludeInherited { get; set; }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (PrincipalId != null) ValidateOrThrow(() => RoleArguments.ValidatePrincipalId(PrincipalId), "AoaiHardening.Rbac.InvalidPrincipalId", PrincipalId);
        }

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            var service = new RoleAssignmentService(Arm);
            try
            {
                var role = Role == null ? ((string, string)?)null : RoleArguments.Resolve(this, service, Role, id.SubscriptionId);
                foreach (var json in service.ListAtScope(id.Id, PrincipalId, Call))
                {
                    var assignment = service.ToModel(json, id.Id, id.Name, id.SubscriptionId, Call, message => OnPipelineThread(() => WriteVerbose(message)));
                    if (role != null && !string.Equals(assignment.RoleDefinitionId, role.Value.Item1, StringComparison.OrdinalIgnoreCase)) continue;
                    if (ExcludeInherited && assignment.Inherited) continue;
                    WriteObject(assignment);
                    DrainMessages();
                }
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, ex.Status == 404 ? "AoaiHardening.Account.NotFound" : "AoaiHardening.Rbac.ReadFailed",
                    $"listing the role assignments of account '{id.Name}' ({id.Id})", id.Id));
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
