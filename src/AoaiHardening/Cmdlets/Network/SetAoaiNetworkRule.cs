using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Adds and removes the account's IP rules (IPv4 addresses and CIDR ranges) and virtual network rules (subnets).
    /// Every value is checked before any request; rules are compared by the addresses they cover, so adding one that
    /// exists or removing one that does not is a no-op. Internet-wide ranges (AOAI-NET-004) need -AllowBroadRange.
    /// Fixes AOAI-NET-004 (-RemoveIpRule with the broad values the finding names).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AoaiNetworkRule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiAccount))]
    public sealed class SetAoaiNetworkRule : AccountUpdateCmdlet
    {
        /// <summary>IPv4 addresses or CIDR ranges to allow.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddIpRule { get; set; }

        /// <summary>IP rules to remove; a rule matches when it covers the same addresses (203.0.113.7 = 203.0.113.7/32).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveIpRule { get; set; }

        /// <summary>Subnet resource ids to allow.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? AddVirtualNetworkRule { get; set; }

        /// <summary>Subnet resource ids to remove.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveVirtualNetworkRule { get; set; }

        /// <summary>Accept ranges AOAI-NET-004 flags (0.0.0.0, 0.0.0.0/0, prefixes shorter than /16).</summary>
        [Parameter]
        public SwitchParameter AllowBroadRange { get; set; }

        private readonly List<(string Given, Ipv4Range Range)> _addIp = new List<(string, Ipv4Range)>();
        private readonly List<(string Given, Ipv4Range Range)> _removeIp = new List<(string, Ipv4Range)>();
        private readonly List<string> _addSubnet = new List<string>();
        private readonly List<string> _removeSubnet = new List<string>();

        protected override string ErrorArea => "Network";

        protected override string Action
        {
            get
            {
                var parts = new List<string>();
                if (_addIp.Count > 0) parts.Add("allow " + string.Join(", ", _addIp.Select(r => r.Range.Canonical)));
                if (_removeIp.Count > 0) parts.Add("remove IP rules " + string.Join(", ", _removeIp.Select(r => r.Given)));
                if (_addSubnet.Count > 0) parts.Add($"allow {_addSubnet.Count} subnet{(_addSubnet.Count == 1 ? "" : "s")}");
                if (_removeSubnet.Count > 0) parts.Add($"remove {_removeSubnet.Count} subnet rule{(_removeSubnet.Count == 1 ? "" : "s")}");
                return "Update network rules: " + string.Join("; ", parts);
            }
        }

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (AddIpRule == null && RemoveIpRule == null && AddVirtualNetworkRule == null && RemoveVirtualNetworkRule == null)
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"{MyInvocation.MyCommand.Name}: nothing to change: pass -AddIpRule, -RemoveIpRule, -AddVirtualNetworkRule or -RemoveVirtualNetworkRule."),
                    "AoaiHardening.Network.NoRuleGiven", ErrorCategory.InvalidArgument, null));

            foreach (var value in AddIpRule ?? Array.Empty<string>())
            {
                var range = ValidateOrThrow(() => NetworkInput.ParseIpRuleToAdd(value), "AoaiHardening.Network.InvalidIpRule", value);
                ValidateOrThrow(() => NetworkInput.RefusePrivate(range, value), "AoaiHardening.Network.PrivateIpRule", value);
                if (range.IsInternetWide && !AllowBroadRange)
                    ThrowTerminatingError(new ErrorRecord(
                        new ArgumentException($"{MyInvocation.MyCommand.Name}: '{value}' opens the account to a large part of the internet (AOAI-NET-004: 0.0.0.0, 0.0.0.0/0 or a prefix shorter than /16). " +
                                              "Allow the narrower ranges your clients use, or pass -AllowBroadRange if this is intended."),
                        "AoaiHardening.Network.BroadIpRule", ErrorCategory.InvalidArgument, value));
                if (!_addIp.Any(r => r.Range.Equals(range))) _addIp.Add((value, range));
            }
            foreach (var value in RemoveIpRule ?? Array.Empty<string>())
            {
                var range = ValidateOrThrow(() => NetworkInput.ParseIpRuleToRemove(value), "AoaiHardening.Network.InvalidIpRule", value);
                if (!_removeIp.Any(r => r.Range.Equals(range))) _removeIp.Add((value.Trim(), range));
            }
            foreach (var id in AddVirtualNetworkRule ?? Array.Empty<string>())
            {
                var subnet = ValidateOrThrow(() => NetworkInput.ValidateSubnetId(id), "AoaiHardening.Network.InvalidSubnetId", id);
                if (!_addSubnet.Contains(subnet, StringComparer.OrdinalIgnoreCase)) _addSubnet.Add(subnet);
            }
            foreach (var id in RemoveVirtualNetworkRule ?? Array.Empty<string>())
            {
                var subnet = ValidateOrThrow(() => NetworkInput.ValidateSubnetId(id), "AoaiHardening.Network.InvalidSubnetId", id);
                if (!_removeSubnet.Contains(subnet, StringComparer.OrdinalIgnoreCase)) _removeSubnet.Add(subnet);
            }

            var conflict = _addIp.Where(a => _removeIp.Any(r => r.Range.Equals(a.Range))).Select(a => a.Given)
                .Concat(_addSubnet.Where(s => _removeSubnet.Contains(s, StringComparer.OrdinalIgnoreCase))).FirstOrDefault();
            if (conflict != null)
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"{MyInvocation.MyCommand.Name}: '{conflict}' is both added and removed; pass it to one of the two."),
                    "AoaiHardening.Network.ConflictingRule", ErrorCategory.InvalidArgument, conflict));

            if (AllowBroadRange && _addIp.Any(r => r.Range.IsInternetWide))
                WriteWarning($"-AllowBroadRange: {string.Join(", ", _addIp.Where(r => r.Range.IsInternetWide).Select(r => r.Range.Canonical))} opens the account to a large part of the internet; AOAI-NET-004 fails while the rule exists.");
        }

        /// <summary>The rule lists after the change, as the account's JSON objects (kept ones untouched).</summary>
        private (List<JsonObject> IpRules, List<JsonObject> SubnetRules, bool Changed) Plan(AoaiAccount account)
        {
            var acls = NetworkAcls.Copy(account);
            var ipRules = Json.Objects(acls["ipRules"]).ToList();
            var subnetRules = Json.Objects(acls["virtualNetworkRules"]).ToList();
            var changed = false;

            foreach (var (given, range) in _removeIp)
                changed |= ipRules.RemoveAll(r => Json.Str(r["value"]) is string v && NetworkInput.IsSameIpRule(v, range, given)) > 0;
            foreach (var subnet in _removeSubnet)
                changed |= subnetRules.RemoveAll(r => Json.EqualsIgnoreCase(Json.Str(r["id"])?.Trim(), subnet)) > 0;
            foreach (var (given, range) in _addIp)
            {
                if (ipRules.Any(r => Json.Str(r["value"]) is string v && NetworkInput.IsSameIpRule(v, range, given))) continue;
                ipRules.Add(new JsonObject { ["value"] = range.Canonical });
                changed = true;
            }
            foreach (var subnet in _addSubnet)
            {
                if (subnetRules.Any(r => Json.EqualsIgnoreCase(Json.Str(r["id"])?.Trim(), subnet))) continue;
                subnetRules.Add(new JsonObject { ["id"] = subnet });
                changed = true;
            }
            return (ipRules, subnetRules, changed);
        }

        protected override void Inspect(AoaiAccount current)
        {
            foreach (var (given, range) in _addIp)
                if (current.IpRules.Any(v => NetworkInput.IsSameIpRule(v, range, given)))
                    WriteVerbose($"{current.Name}: IP rule {range.Canonical} is already there.");
            foreach (var (given, range) in _removeIp)
                if (!current.IpRules.Any(v => NetworkInput.IsSameIpRule(v, range, given)))
                    WriteVerbose($"{current.Name}: no IP rule {given} to remove.");
            foreach (var subnet in _addSubnet)
                if (current.VirtualNetworkRules.Any(v => Json.EqualsIgnoreCase(v.Trim(), subnet)))
                    WriteVerbose($"{current.Name}: subnet {subnet} is already allowed.");
            foreach (var subnet in _removeSubnet)
                if (!current.VirtualNetworkRules.Any(v => Json.EqualsIgnoreCase(v.Trim(), subnet)))
                    WriteVerbose($"{current.Name}: no virtual network rule for {subnet} to remove.");
        }

        protected override bool IsDesired(AoaiAccount account) => !Plan(account).Changed;

        protected override ErrorRecord? Refuse(AoaiAccount account)
        {
            var count = Plan(account).IpRules.Count;
            if (count <= NetworkInput.MaxIpRules) return null;
            return new ErrorRecord(new InvalidOperationException(
                    $"{MyInvocation.MyCommand.Name}: refused: account '{account.Name}' would have {count} IP rules; Azure AI services accept at most {NetworkInput.MaxIpRules}. Combine addresses into ranges or remove rules."),
                "AoaiHardening.Network.TooManyIpRules", ErrorCategory.LimitsExceeded, account);
        }

        protected override JsonObject BuildPatch(AoaiAccount account)
        {
            var (ipRules, subnetRules, _) = Plan(account);
            var acls = NetworkAcls.Copy(account);
            // Both lists in full (merge patch replaces arrays); a list the account never had is not introduced empty.
            if (acls.ContainsKey("ipRules") || ipRules.Count > 0)
                acls["ipRules"] = new JsonArray(ipRules.Select(r => (JsonNode)r.DeepClone()).ToArray());
            if (acls.ContainsKey("virtualNetworkRules") || subnetRules.Count > 0)
                acls["virtualNetworkRules"] = new JsonArray(subnetRules.Select(r => (JsonNode)r.DeepClone()).ToArray());
            return new JsonObject { ["properties"] = new JsonObject { ["networkAcls"] = acls } };
        }

        protected override void BeforeChange(AoaiAccount account)
        {
            // Removing an allow rule never opens anything; only rules being added can be without effect.
            if (_addIp.Count == 0 && _addSubnet.Count == 0) return;
            if (Json.EqualsIgnoreCase(account.PublicNetworkAccess, "Disabled"))
                WriteWarning($"Account '{account.Name}' has public network access disabled: IP and virtual network rules take effect only once it is enabled for the allowed networks (Enable-AoaiPublicNetworkAccess).");
            else if (!Json.EqualsIgnoreCase(account.NetworkDefaultAction, "Deny"))
                WriteWarning($"Account '{account.Name}' lets every network in (default action Allow): the rules have no effect until public access is restricted " +
                             "(Disable-AoaiPublicNetworkAccess, then Enable-AoaiPublicNetworkAccess to admit the allowed networks only).");
        }
    }
}
