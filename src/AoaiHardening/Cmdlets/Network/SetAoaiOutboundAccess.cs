using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Model;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Restricts the hosts the service may call on the account's behalf (restrictOutboundNetworkAccess true plus
    /// allowedFqdnList): the list given becomes the list, or -Append adds to it. -Disable lifts the restriction and leaves
    /// the list as it is. Fixes AOAI-NET-006.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AoaiOutboundAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class SetAoaiOutboundAccess : AccountUpdateCmdlet
    {
        // Each way of naming the account exists twice: restricting (-AllowedFqdn) and lifting (-Disable). The target
        // parameters are redeclared here with both sets and store into the base's, which ResolveTarget reads.
        private const string InputObjectDisableSet = "InputObjectDisable";
        private const string ResourceIdDisableSet = "ResourceIdDisable";
        private const string ByNameDisableSet = "ByNameDisable";

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectDisableSet)]
        [ValidateNotNull]
        public new AoaiAccount InputObject { get => base.InputObject; set => base.InputObject = value; }

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ResourceIdDisableSet)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public new string ResourceId { get => base.ResourceId; set => base.ResourceId = value; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet)]
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameDisableSet)]
        [ArgumentCompleter(typeof(ResourceGroupNameCompleter))]
        [ValidateNotNullOrEmpty]
        public new string ResourceGroupName { get => base.ResourceGroupName; set => base.ResourceGroupName = value; }

        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameSet)]
        [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameDisableSet)]
        [Alias("AccountName")]
        [ArgumentCompleter(typeof(AccountNameCompleter))]
        [ValidateNotNullOrEmpty]
        public new string Name { get => base.Name; set => base.Name = value; }

        [Parameter(ParameterSetName = ByNameSet)]
        [Parameter(ParameterSetName = ByNameDisableSet)]
        [ValidateNotNullOrEmpty]
        public new string? SubscriptionId { get => base.SubscriptionId; set => base.SubscriptionId = value; }

        /// <summary>The host names (or IPv4 addresses) the account may call; this list replaces the current one unless -Append.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectSet)]
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
        [ValidateNotNullOrEmpty]
        public string[] AllowedFqdn { get; set; } = null!;

        /// <summary>Add -AllowedFqdn to the account's current list instead of replacing it.</summary>
        [Parameter(ParameterSetName = InputObjectSet)]
        [Parameter(ParameterSetName = ResourceIdSet)]
        [Parameter(ParameterSetName = ByNameSet)]
        public SwitchParameter Append { get; set; }

        /// <summary>Lift the restriction (restrictOutboundNetworkAccess false); allowedFqdnList is left as it is.</summary>
        [Parameter(Mandatory = true, ParameterSetName = InputObjectDisableSet)]
        [Parameter(Mandatory = true, ParameterSetName = ResourceIdDisableSet)]
        [Parameter(Mandatory = true, ParameterSetName = ByNameDisableSet)]
        public SwitchParameter Disable { get; set; }

        private readonly List<string> _fqdns = new List<string>();

        private bool Lifting => Disable.IsPresent;

        protected override string ErrorArea => "Outbound";

        protected override string Action => Lifting
            ? "Lift the outbound network restriction"
            : Append ? $"Restrict outbound access, adding {string.Join(", ", _fqdns)} to the allowed hosts"
            : $"Restrict outbound access to {string.Join(", ", _fqdns)}";

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (Lifting) return;
            foreach (var value in AllowedFqdn)
            {
                var fqdn = ValidateOrThrow(() => NetworkInput.NormalizeFqdn(value), "AoaiHardening.Outbound.InvalidFqdn", value);
                if (!_fqdns.Contains(fqdn, StringComparer.OrdinalIgnoreCase)) _fqdns.Add(fqdn);
            }
            if (_fqdns.Count > NetworkInput.MaxAllowedFqdns)
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"{MyInvocation.MyCommand.Name}: {_fqdns.Count} hosts given; allowedFqdnList takes at most {NetworkInput.MaxAllowedFqdns}."),
                    "AoaiHardening.Outbound.TooManyFqdns", ErrorCategory.InvalidArgument, null));
        }

        /// <summary>The list after the change: the given one, or with -Append the current one plus what it lacks (as stored).</summary>
        private List<string> Resulting(AoaiAccount account)
        {
            if (!Append) return _fqdns.ToList();
            var list = account.AllowedFqdnList.ToList();
            list.AddRange(_fqdns.Where(f => !list.Contains(f, StringComparer.OrdinalIgnoreCase)));
            return list;
        }

        /// <summary>Same hosts, ignoring order and case.</summary>
        private static bool SameSet(IReadOnlyCollection<string> a, IReadOnlyCollection<string> b)
        {
            var left = new HashSet<string>(a.Select(v => v.Trim().TrimEnd('.')), StringComparer.OrdinalIgnoreCase);
            return left.SetEquals(b.Select(v => v.Trim().TrimEnd('.')));
        }

        protected override bool IsDesired(AoaiAccount account) => Lifting
            ? !account.RestrictOutboundNetworkAccess
            : account.RestrictOutboundNetworkAccess && SameSet(account.AllowedFqdnList, Resulting(account));

        protected override ErrorRecord? Refuse(AoaiAccount account)
        {
            var count = Lifting ? 0 : Resulting(account).Count;
            if (count <= NetworkInput.MaxAllowedFqdns) return null;
            return new ErrorRecord(new InvalidOperationException(
                    $"{MyInvocation.MyCommand.Name}: refused: account '{account.Name}' would allow {count} hosts; allowedFqdnList takes at most {NetworkInput.MaxAllowedFqdns}."),
                "AoaiHardening.Outbound.TooManyFqdns", ErrorCategory.LimitsExceeded, account);
        }

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var properties = new JsonObject();
            if (Lifting)
            {
                properties["restrictOutboundNetworkAccess"] = false;
                return new JsonObject { ["properties"] = properties };
            }
            if (!account.RestrictOutboundNetworkAccess) properties["restrictOutboundNetworkAccess"] = true;
            var list = Resulting(account);
            if (!SameSet(account.AllowedFqdnList, list))
                properties["allowedFqdnList"] = new JsonArray(list.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
            return new JsonObject { ["properties"] = properties };
        }

        protected override void BeforeFirstChange(AoaiAccount account)
        {
            if (Lifting)
                WriteWarning("Without the outbound restriction the service may call any host on the account's behalf (AOAI-NET-006 fails).");
            else
                WriteWarning("Features that call out from the account stop working for hosts not on the list: On Your Data needs its AI Search and Storage " +
                             "endpoints listed, for example. A changed list can take up to 15 minutes to take effect.");
        }

        protected override void BeforeChange(AoaiAccount account)
        {
            if (!Lifting && Append && !account.RestrictOutboundNetworkAccess && account.AllowedFqdnList.Length > 0)
                WriteWarning($"Account '{account.Name}' keeps an allowed-host list from before ({string.Join(", ", account.AllowedFqdnList)}); with -Append it becomes active too.");
        }

        protected override void AfterChange(AoaiAccount updated)
        {
            if (!Lifting)
                WriteVerbose($"{updated.Name}: outbound access is restricted to {string.Join(", ", updated.AllowedFqdnList)}.");
        }
    }
}
