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
    /// The access audit of the hardening guide, per account: whether key authentication is on, and every role assignment
    /// that reaches the account, each judged (users with management roles, workloads with more than data-plane roles,
    /// roles that expose keys or are not needed) with a recommendation. Streams one report per account.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AoaiAccessReport", DefaultParameterSetName = SubscriptionSet)]
    [OutputType(typeof(AoaiAccessReport))]
    public sealed class GetAoaiAccessReport : AccountSelectionCmdlet
    {
        private const string InputObjectSet = "InputObject";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [ValidateNotNull]
        public AoaiAccount[] InputObject { get; set; } = null!;

        /// <summary>Leave out entries below this risk (the key-authentication entry included).</summary>
        [Parameter]
        public AoaiAccessRisk MinimumRisk { get; set; } = AoaiAccessRisk.None;

        private RoleAssignmentService _service = null!;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _service = new RoleAssignmentService(Arm);
        }

        protected override void ProcessRecord()
        {
            try
            {
                var accounts = ParameterSetName == InputObjectSet ? InputObject : SelectAccounts(AccountSelector.DefaultKinds, kindGiven: false);
                foreach (var account in accounts)
                {
                    WriteObject(Report(account));
                    DrainMessages();
                }
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

        private AoaiAccessReport Report(AoaiAccount account)
        {
            var entries = new List<AoaiAccessEntry> { AccessAnalyzer.KeyAuthentication(account) };
            var assignments = 0;
            var incomplete = false;
            try
            {
                foreach (var json in _service.ListAtScope(account.Id, null, Call))
                {
                    var assignment = _service.ToModel(json, account.Id, account.Name, account.SubscriptionId, Call, m => OnPipelineThread(() => WriteVerbose(m)));
                    assignments++;
                    entries.Add(AccessAnalyzer.Judge(assignment, AccessAnalyzer.ClassOf(assignment.RoleDefinitionId)));
                }
            }
            catch (ArmRequestException ex)
            {
                // The report still says what it knows (key authentication); the error says what is missing.
                incomplete = true;
                WriteError(ArmErrorRecord(ex, "AoaiHardening.AccessReport.RoleAssignmentsUnreadable",
                    $"reading the role assignments of account '{account.Name}' ({account.Id}); the report covers key authentication only", account.Id));
            }
            var kept = entries.Where(e => e.Risk >= MinimumRisk)
                .OrderByDescending(e => e.Risk).ThenBy(e => e.Kind == "KeyAuthentication" ? 0 : 1).ThenBy(e => e.Inherited).ToArray();
            return new AoaiAccessReport
            {
                AccountName = account.Name,
                ResourceId = account.Id,
                ResourceGroupName = account.ResourceGroupName,
                Kind = account.Kind,
                LocalAuthEnabled = !account.DisableLocalAuth,
                IdentityType = account.IdentityType,
                Entries = kept,
                HighestRisk = AccessAnalyzer.Highest(entries),
                AssignmentCount = assignments,
                IssueCount = entries.Count(e => e.Risk > AoaiAccessRisk.None),
                Incomplete = incomplete,
                GeneratedAt = DateTimeOffset.UtcNow,
            };
        }
    }
}
