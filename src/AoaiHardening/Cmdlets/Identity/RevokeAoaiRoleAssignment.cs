using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Identity
{
    /// <summary>
    /// Removes role assignments: from the pipeline (Get-AoaiRoleAssignment), by id, or by account, principal and role
    /// (at the account, or at -Scope for an inherited one). -ReplaceWith grants a least-privilege role to the same
    /// principal at the same scope first, and revokes only if that grant holds. Fixes AOAI-IAM-003 and IAM-004.
    /// </summary>
    [Cmdlet("Revoke", "AoaiRoleAssignment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiRoleAssignment))]
    public sealed class RevokeAoaiRoleAssignment : AoaiCmdlet
    {
        private const string InputObjectSet = "InputObject";
        private const string RoleAssignmentIdSet = "RoleAssignmentId";
        private const string ResourceIdSet = "ResourceId";
        private const string ByNameSet = "ByName";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public AoaiRoleAssignment InputObject { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = RoleAssignmentIdSet)]
        [ValidateNotNullOrEmpty]
        public string RoleAssignmentId { get; set; } = null!;

        /// <summary>The account whose access to revoke.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceIdSet)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameSet)]
        [Alias("AccountName")]
        [ArgumentCompleter(typeof(AccountNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = null!;

        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? SubscriptionId { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [Alias("ObjectId")]
        [ValidateNotNullOrEmpty]
        public string PrincipalId { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ArgumentCompleter(typeof(RoleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Role { get; set; } = null!;

        /// <summary>The scope of the assignment to remove (default: the account itself).</summary>
        [Parameter(ParameterSetName = ResourceIdSet)]
        [Parameter(ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string? Scope { get; set; }

        /// <summary>Grant this role to the same principal at the same scope before revoking (e.g. 'Cognitive Services OpenAI User').</summary>
        [Parameter]
        [ArgumentCompleter(typeof(RoleNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? ReplaceWith { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private ArmScope? _scope;

        /// <summary>What this pipeline item changed so far (a replacement granted): a failed revoke says so.</summary>
        private readonly List<string> _done = new List<string>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (ParameterSetName == RoleAssignmentIdSet)
                ValidateOrThrow(() => ValidateAssignmentId(RoleAssignmentId), "AoaiHardening.Rbac.InvalidRoleAssignmentId", RoleAssignmentId);
            if (ParameterSetName == ResourceIdSet || ParameterSetName == ByNameSet)
                ValidateOrThrow(() => RoleArguments.ValidatePrincipalId(PrincipalId), "AoaiHardening.Rbac.InvalidPrincipalId", PrincipalId);
            if (Scope != null) _scope = ValidateOrThrow(() => ArmScope.Parse(Scope), "AoaiHardening.Rbac.InvalidScope", Scope);
        }

        protected override void ProcessRecord()
        {
            var service = new RoleAssignmentService(Arm);
            _done.Clear();
            string what = ParameterSetName == InputObjectSet ? InputObject.Id : ParameterSetName == RoleAssignmentIdSet ? RoleAssignmentId : PrincipalId;
            try
            {
                foreach (var assignment in Targets(service))
                {
                    what = assignment.Id;
                    Revoke(service, assignment);
                    DrainMessages();
                }
            }
            catch (ArmRequestException ex)
            {
                WriteError(ChangePlan.StepFailed(this, ex, "AoaiHardening.Rbac.RevokeFailed", $"revoking role assignment {what}", what, _done));
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

        /// <summary>The assignments this pipeline item names; empty (with a verbose note) when they are already gone.</summary>
        private IEnumerable<AoaiRoleAssignment> Targets(RoleAssignmentService service)
        {
            switch (ParameterSetName)
            {
                case InputObjectSet:
                    ValidateOrThrow(() => ValidateAssignmentId(InputObject.Id), "AoaiHardening.Rbac.InvalidRoleAssignmentId", InputObject);
                    return new[] { InputObject };
                case RoleAssignmentIdSet:
                    try
                    {
                        var json = Arm.Get(RoleAssignmentId, ApiVersions.Authorization, Call)!;
                        var scope = ArmScope.TryParse(AoaiRoleAssignment.ScopeOf(RoleAssignmentId), out var parsed) ? parsed : null;
                        return new[] { service.ToModel(json, null, null, scope?.SubscriptionId, Call) };
                    }
                    catch (ArmRequestException ex) when (ex.Status == 404)
                    {
                        WriteVerbose($"Role assignment {RoleAssignmentId} does not exist: nothing to revoke.");
                        return Array.Empty<AoaiRoleAssignment>();
                    }
                default:
                    var account = ParameterSetName == ResourceIdSet ? AccountIdFrom(ResourceId, ResourceId) : AccountIdFrom(SubscriptionId, ResourceGroupName, Name);
                    var role = RoleArguments.Resolve(this, service, Role, account.SubscriptionId);
                    var at = _scope?.Value ?? account.Id;
                    var found = service.ListForPrincipal(account.Id, PrincipalId, account.Id, account.Name, account.SubscriptionId, Call)
                        .Where(a => a.Is(PrincipalId, role.Id, at))
                        .ToList();
                    if (found.Count == 0)
                        WriteVerbose($"{PrincipalId} holds no '{role.Name}' assignment at {at} that reaches '{account.Name}': nothing to revoke.");
                    return found;
            }
        }

        private void Revoke(RoleAssignmentService service, AoaiRoleAssignment assignment)
        {
            var reach = assignment.ScopeLevel < AoaiScopeLevel.Resource
                ? $" (made at the {assignment.ScopeLevel}: it is removed for every resource there)"
                : string.Empty;
            var target = $"'{assignment.RoleDefinitionName}' for {assignment.PrincipalType} {assignment.PrincipalId} at {assignment.Scope}";
            // The replacement is resolved before asking, so a typo is refused even under -WhatIf and before any prompt.
            (string Id, string Name)? replacement = null;
            if (ReplaceWith != null)
            {
                replacement = RoleArguments.Resolve(this, service, ReplaceWith, ArmScope.TryParse(assignment.Scope, out var s) ? s!.SubscriptionId : null);
                if (string.Equals(replacement.Value.Id, assignment.RoleDefinitionId, StringComparison.OrdinalIgnoreCase))
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: -ReplaceWith '{replacement.Value.Name}' is the role being revoked."),
                        "AoaiHardening.Rbac.InvalidReplacement", ErrorCategory.InvalidArgument, ReplaceWith));
            }
            if (!ShouldProcess(target + reach, replacement != null ? $"Grant '{replacement.Value.Name}' in its place, then revoke the role assignment" : "Revoke the role assignment")) return;

            if (replacement != null && !Replace(service, assignment, replacement.Value)) return;

            var deleted = service.Delete(assignment.Id, Call);
            if (deleted == null) WriteVerbose($"Role assignment {assignment.Id} was already gone.");
            else WriteVerbose($"Revoked {target}.");
            _done.Add($"revoke {target}");
            if (PassThru) WriteObject(assignment);
        }

        /// <summary>The replacement grant comes first: if it fails, nothing is revoked and the principal keeps working.</summary>
        private bool Replace(RoleAssignmentService service, AoaiRoleAssignment assignment, (string Id, string Name) role)
        {
            var scope = ArmScope.TryParse(assignment.Scope, out var parsed) ? parsed : null;
            var subscription = scope?.SubscriptionId;
            var holds = service.ListForPrincipal(assignment.Scope, assignment.PrincipalId, null, null, subscription, Call)
                .Any(a => a.Is(assignment.PrincipalId, role.Id, assignment.Scope));
            if (holds)
            {
                WriteVerbose($"{assignment.PrincipalId} already holds '{role.Name}' at {assignment.Scope}.");
                return true;
            }
            try
            {
                service.Create(assignment.Scope, role.Id, assignment.PrincipalId, assignment.PrincipalType, $"Replaces '{assignment.RoleDefinitionName}' (AoaiHardening)", subscription, Call);
                WriteVerbose($"Granted '{role.Name}' to {assignment.PrincipalType} {assignment.PrincipalId} at {assignment.Scope}.");
                _done.Add($"grant the replacement '{role.Name}' to {assignment.PrincipalType} {assignment.PrincipalId} at {assignment.Scope}");
            }
            catch (ArmRequestException ex) when (ex.Status == 409 && ex.ErrorCode == "RoleAssignmentExists")
            {
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Rbac.ReplaceFailed",
                    $"granting the replacement role '{role.Name}' to {assignment.PrincipalType} {assignment.PrincipalId} at {assignment.Scope} (so '{assignment.RoleDefinitionName}' was NOT revoked)", assignment.Id));
                return false;
            }
            return true;
        }

        private static void ValidateAssignmentId(string id)
        {
            var scope = AoaiRoleAssignment.ScopeOf(id ?? string.Empty);
            var name = scope == null ? null : id!.Substring(id.LastIndexOf('/') + 1);
            if (scope == null || !ArmScope.TryParse(scope, out _) || !BuiltInRoles.IsGuid(name))
                throw new ArgumentException($"'{id}' is not a role assignment id: expected <scope>/providers/Microsoft.Authorization/roleAssignments/<guid>.");
        }
    }
}
