using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.OnYourData
{
    /// <summary>
    /// Creates the role assignments of the On Your Data table (AOAI-OYD-007) that are missing, each scoped to the target
    /// resource, for the system-assigned identities of the OpenAI account and the Search service. Idempotent: a role held
    /// at the resource or inherited from a parent scope means no write. Refuses, before any write, when an assignee has
    /// no system-assigned identity.
    /// </summary>
    [Cmdlet(VerbsSecurity.Grant, "AoaiOnYourDataAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiRoleAssignment))]
    public sealed class GrantAoaiOnYourDataAccess : AccountTargetCmdlet
    {
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string SearchServiceResourceId { get; set; } = null!;

        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string StorageAccountResourceId { get; set; } = null!;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private Arm.SearchServiceResourceId _search = null!;
        private Arm.StorageAccountResourceId _storage = null!;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            (_search, _storage) = OnYourDataInput.ParseIds(this, SearchServiceResourceId, StorageAccountResourceId);
        }

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            try
            {
                Grant(id);
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

        private void Grant(AccountId id)
        {
            var account = OnYourDataInput.Account(this, id, InputObject);
            var search = OnYourDataInput.Search(this, _search);
            foreach (var read in new[] { account, search })
            {
                if (read.Json != null) continue;
                WriteError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: the {read.Label} could not be read: {read.ReadError}"),
                    "AoaiHardening.OnYourData.ReadFailed", ErrorCategory.ReadError, read.Id));
                return;
            }
            // The storage account is only a scope here: not read.
            var input = new OydInput(account, search, new OydResourceState(OydResource.Storage, _storage.Id, _storage.Name, new System.Text.Json.Nodes.JsonObject(), null));

            // Refuse before any write when an assignee has no system-assigned identity.
            if (account.SystemPrincipalId == null)
            {
                Refuse(account, $"the OpenAI account '{account.Name}' has no system-assigned identity ({account.IdentityType}): run Enable-AoaiManagedIdentity -SystemAssigned on it first");
                return;
            }
            if (search.SystemPrincipalId == null)
            {
                Refuse(search, $"the search service '{search.Name}' has no system-assigned identity ({search.IdentityType}): turn on its system-assigned identity first (az search service update --ids '{search.Id}' --identity-type SystemAssigned)");
                return;
            }

            var service = new RoleAssignmentService(Arm);
            try
            {
                OnYourDataInput.ReadAssignments(this, service, input, OnYourDataRules.Pairs);
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.OnYourData.ReadFailed", "reading role assignments", account.Id));
                return;
            }
            foreach (var pair in input.Assignments.Where(p => p.Value.Assignments == null))
            {
                var scope = input.Of(pair.Key.Resource);
                WriteError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: the role assignments reaching the {scope.Label} could not be read, so nothing is granted for account '{account.Name}': {pair.Value.ReadError}"),
                    "AoaiHardening.OnYourData.ReadFailed", ErrorCategory.ReadError, scope.Id));
                return;
            }

            var done = new List<string>();
            foreach (var row in OnYourDataRules.Table)
            {
                var assignee = input.Of(row.Assignee);
                var resource = input.Of(row.Resource);
                var principal = assignee.SystemPrincipalId!;
                var existing = input.Assignments[(row.Assignee, row.Resource)].Assignments!
                    .FirstOrDefault(a => string.Equals(a.PrincipalId, principal, StringComparison.OrdinalIgnoreCase) && row.Accepts(a.RoleDefinitionId) && OnYourDataRules.Reaches(a.Scope, resource.Id));
                if (existing != null)
                {
                    WriteVerbose($"The {assignee.Label}'s identity already holds '{existing.RoleDefinitionName}' on the {resource.Label} ({(ArmScope.SameScope(existing.Scope, resource.Id) ? "at the resource" : "inherited from " + existing.Scope)}): nothing to do.");
                    if (PassThru) WriteObject(existing);
                    continue;
                }
                var roleName = BuiltInRoles.ById(row.GrantRoleId)?.Name ?? row.Role;
                if (!ShouldProcess($"{assignee.Label} identity {principal} at {resource.Id}", $"Grant role '{roleName}'")) continue;
                var subscription = OnYourDataInput.SubscriptionOf(resource.Id);
                try
                {
                    var created = service.ToModel(service.Create(resource.Id, row.GrantRoleId, principal, "ServicePrincipal",
                        "On Your Data (Grant-AoaiOnYourDataAccess)", subscription, Call), account.Id, account.Name, subscription, Call);
                    WriteVerbose($"Granted '{roleName}' to the {assignee.Label}'s identity {principal} at {resource.Id} ({created.Name}).");
                    done.Add($"grant '{roleName}' to the {assignee.Label}'s identity on {resource.Label}");
                    if (PassThru) WriteObject(created);
                }
                catch (ArmRequestException ex) when (ex.Status == 409 && ex.ErrorCode == "RoleAssignmentExists")
                {
                    WriteVerbose($"ARM reports '{roleName}' for {principal} at {resource.Id} exists already ({ex.ErrorCode}): nothing to do.");
                }
                catch (ArmRequestException ex)
                {
                    WriteError(ChangePlan.StepFailed(this, ex, "AoaiHardening.OnYourData.GrantFailed",
                        $"granting '{roleName}' to the {assignee.Label}'s identity {principal} at {resource.Id}", resource.Id, done));
                }
            }
        }

        private void Refuse(OydResourceState assignee, string why) =>
            WriteError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: nothing granted: {why}."),
                "AoaiHardening.OnYourData.NoManagedIdentity", ErrorCategory.InvalidOperation, assignee.Id));
    }
}
