using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Puts the hardening guide's NSG rules on a private endpoint subnet: allow TCP 443 from each allowed source (priority
    /// 100 up), deny all other inbound traffic (4096). Creates and associates an NSG when the subnet has none, keeps every
    /// unrelated rule, and turns on network policies for private endpoints, without which NSG rules do not apply to them.
    /// Idempotent: rules already there (by meaning, not name) are not written again.
    /// </summary>
    [Cmdlet(VerbsSecurity.Protect, "AoaiPrivateEndpointSubnet", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiSubnetProtection))]
    public sealed class ProtectAoaiPrivateEndpointSubnet : AccountTargetCmdlet
    {
        private const string SubnetSet = "Subnet";
        private const string Activity = "Protect-AoaiPrivateEndpointSubnet";
        private const int FirstAllowPriority = 100;
        private const int DenyPriority = 4096;
        private const string DenyRuleName = "Deny-All-Inbound";

        private static int _nextActivityId = 5200;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);

        /// <summary>The subnet to protect (binds from New-AoaiPrivateEndpoint -PassThru output). Else: every subnet holding one of the account's private endpoints.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = SubnetSet)]
        [ValidateNotNullOrEmpty]
        public string SubnetId { get; set; } = null!;

        /// <summary>The clients' address ranges (app and APIM subnets): IPv4 CIDR ranges or addresses.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[] AllowedSourcePrefix { get; set; } = null!;

        /// <summary>The name of the NSG created when the subnet has none; default nsg-{subnet name}.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NetworkSecurityGroupName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<Ipv4Range> _sources = new List<Ipv4Range>();

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            _sources = AllowedSourcePrefix
                .Select(p => ValidateOrThrow(() => NetworkInput.ParseRange(p), "AoaiHardening.Nsg.InvalidSourcePrefix", p))
                .Distinct().ToList();
            if (_sources.Any(p => p.Prefix == 0))
                ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                        $"{MyInvocation.MyCommand.Name}: '0.0.0.0/0' allows every address, which defeats the rules. Name the client subnets (app, APIM) instead."),
                    "AoaiHardening.Nsg.BroadSourcePrefix", ErrorCategory.InvalidArgument, "0.0.0.0/0"));
            if (NetworkSecurityGroupName != null)
                ValidateOrThrow(() => SubnetResourceId.ValidateName(NetworkSecurityGroupName, "network security group"), "AoaiHardening.Nsg.InvalidName", NetworkSecurityGroupName);
        }

        protected override void ProcessRecord()
        {
            var network = new NetworkService(Arm);
            if (ParameterSetName == SubnetSet)
            {
                var subnet = ValidateOrThrow(() => SubnetResourceId.Parse(SubnetId), "AoaiHardening.Nsg.InvalidSubnetId", SubnetId);
                Guard(() => Protect(network, subnet), $"subnet '{subnet.Name}'", subnet.Id);
                return;
            }
            var id = ResolveTarget();
            Guard(() =>
            {
                var subnets = EndpointSubnets(network, id);
                if (subnets.Count == 0)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{id.Name}' ({id.Id}) has no private endpoint, so there is no subnet to protect. Create one first with New-AoaiPrivateEndpoint."),
                        "AoaiHardening.Nsg.NoPrivateEndpoint", ErrorCategory.ObjectNotFound, id.Id));
                    return;
                }
                foreach (var subnet in subnets) Protect(network, subnet);
            }, $"account '{id.Name}'", id.Id);
        }

        private void Guard(Action work, string what, string target)
        {
            try
            {
                work();
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.Method == "GET")
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Nsg.NotFound", $"reading {what} ({target})", target));
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Nsg.ReadFailed", $"reading the network state of {what} ({target})", target));
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

        /// <summary>The distinct subnets of the account's private endpoints (rejected connections skipped).</summary>
        private List<SubnetResourceId> EndpointSubnets(NetworkService network, AccountId id)
        {
            var account = new AccountService(Arm).Get(id, Call);
            var subnets = new List<SubnetResourceId>();
            foreach (var endpoint in network.ConnectedEndpoints(account, Call))
            {
                var subnetId = Json.Str(endpoint["properties"]?["subnet"]?["id"]);
                if (subnetId == null || subnets.Any(s => s.Is(subnetId))) continue;
                try
                {
                    subnets.Add(SubnetResourceId.Parse(subnetId));
                }
                catch (ArgumentException)
                {
                    WriteWarning($"Private endpoint '{Json.Str(endpoint["id"])}' names a subnet id ARM returned in an unexpected form ('{subnetId}'); skipped.");
                }
            }
            return subnets;
        }

        private void Protect(NetworkService network, SubnetResourceId subnet)
        {
            var target = $"subnet '{subnet.Name}' of '{subnet.VirtualNetworkName}'";
            var subnetJson = network.GetSubnet(subnet.Id, Call);
            if (subnetJson == null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"{MyInvocation.MyCommand.Name}: {target} ({subnet.Id}) was not found."),
                    "AoaiHardening.Nsg.SubnetNotFound", ErrorCategory.ObjectNotFound, subnet.Id));
                return;
            }
            var subnetProps = subnetJson["properties"] as JsonObject ?? new JsonObject();
            var destinations = Json.Strings(subnetProps["addressPrefixes"]);
            if (destinations.Length == 0 && Json.Str(subnetProps["addressPrefix"]) is string single) destinations = new[] { single };
            var nsgId = Json.Str(subnetProps["networkSecurityGroup"]?["id"]);
            var nsgName = NetworkSecurityGroupName ?? "nsg-" + subnet.Name;
            var newNsgId = nsgId ?? $"/subscriptions/{subnet.SubscriptionId}/resourceGroups/{subnet.ResourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{nsgName}";
            // With no association, an NSG of the name we would create (e.g. from a run that failed before associating it)
            // is reused and completed, never replaced: a PUT of the whole NSG would drop rules added to it since.
            var nsg = network.GetNetworkSecurityGroup(newNsgId, Call);
            if (nsgId != null && nsg == null)
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"{MyInvocation.MyCommand.Name}: {target} names network security group '{nsgId}', which was not found."),
                    "AoaiHardening.Nsg.NotFound", ErrorCategory.ObjectNotFound, nsgId));
                return;
            }

            var rules = Json.Objects(nsg?["properties"]?["securityRules"]).Select(ToModel).ToList();
            var planned = new List<JsonObject>();
            var used = new HashSet<int>(rules.Where(r => Json.EqualsIgnoreCase(r.Direction, "Inbound")).Select(r => r.Priority));
            var next = FirstAllowPriority;
            foreach (var source in _sources)
            {
                if (rules.Any(r => AllowsHttpsFrom(r, source))) continue;
                while (used.Contains(next)) next++;
                if (next >= DenyPriority)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException($"{MyInvocation.MyCommand.Name}: {target}: no free inbound priority below {DenyPriority} for the rule allowing {source}."),
                        "AoaiHardening.Nsg.PriorityInUse", ErrorCategory.InvalidOperation, nsgId));
                    return;
                }
                used.Add(next);
                planned.Add(Rule($"Allow-Https-From-{source.ToString().Replace('.', '-').Replace('/', '_')}", next, "Allow", "Tcp",
                    source.ToString(), destinations, "443", $"Private endpoint access over HTTPS from {source} (AoaiHardening)."));
            }
            var deny = rules.FirstOrDefault(IsDenyAll);
            if (deny == null)
            {
                var holder = rules.FirstOrDefault(r => Json.EqualsIgnoreCase(r.Direction, "Inbound") && r.Priority == DenyPriority);
                if (holder != null)
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: {target}: inbound priority {DenyPriority} is taken by rule '{holder.Name}' of '{nsgId}', so the deny-all rule cannot go there. Move that rule and run again."),
                        "AoaiHardening.Nsg.PriorityInUse", ErrorCategory.InvalidOperation, nsgId));
                    return;
                }
                planned.Add(Rule(DenyRuleName, DenyPriority, "Deny", "*", "*", new[] { "*" }, "*", "Deny all other inbound traffic to the private endpoints (AoaiHardening)."));
            }
            else if (rules.Any(r => Json.EqualsIgnoreCase(r.Direction, "Inbound") && Json.EqualsIgnoreCase(r.Access, "Allow") && r.Priority < deny.Priority && IsBroad(r)))
            {
                var broad = rules.First(r => Json.EqualsIgnoreCase(r.Direction, "Inbound") && Json.EqualsIgnoreCase(r.Access, "Allow") && r.Priority < deny.Priority && IsBroad(r));
                WriteWarning($"{target}: rule '{broad.Name}' (priority {broad.Priority}) allows inbound traffic from '{string.Join(", ", broad.SourceAddressPrefixes)}' ahead of '{deny.Name}'; it is kept, but it lets that traffic reach the private endpoints.");
            }

            var policies = Json.Str(subnetProps["privateEndpointNetworkPolicies"]) ?? "Disabled";
            var wantedPolicies = Json.EqualsIgnoreCase(policies, "Disabled") ? "NetworkSecurityGroupEnabled" : Json.EqualsIgnoreCase(policies, "RouteTableEnabled") ? "Enabled" : policies;
            var plan = new ChangePlan();
            if (nsg == null)
            {
                var vnet = network.GetVirtualNetwork(subnet.VirtualNetworkId, Call);
                var body = new JsonObject
                {
                    ["location"] = Json.Str(vnet?["location"]) ?? "global",
                    ["properties"] = new JsonObject { ["securityRules"] = new JsonArray(planned.Select(r => (JsonNode)r).ToArray()) },
                };
                plan.Add($"create network security group '{nsgName}' in '{subnet.ResourceGroupName}' with {planned.Count} rule(s)", "AoaiHardening.Nsg.CreateFailed",
                    call => network.PutNetworkSecurityGroup(newNsgId, body, call));
            }
            else
            {
                foreach (var rule in planned)
                {
                    var name = Json.Str(rule["name"])!;
                    var ruleBody = new JsonObject { ["properties"] = rule["properties"]!.DeepClone() };
                    plan.Add($"add security rule '{name}' (priority {rule["properties"]!["priority"]}) to '{ResourceIds.LastSegment(newNsgId)}'", "AoaiHardening.Nsg.RuleFailed",
                        call => network.PutSecurityRule($"{newNsgId}/securityRules/{name}", ruleBody, call));
                }
            }
            if (nsgId == null || !Json.EqualsIgnoreCase(policies, wantedPolicies))
            {
                var what = new List<string>();
                if (nsgId == null) what.Add($"associate '{nsgName}'");
                if (!Json.EqualsIgnoreCase(policies, wantedPolicies)) what.Add($"set privateEndpointNetworkPolicies {policies} -> {wantedPolicies}, so NSG rules apply to private endpoints");
                var subnetBody = SubnetBody(subnetJson, nsgId == null ? newNsgId : null, wantedPolicies);
                plan.Add($"update {target}: {string.Join(" and ", what)}", "AoaiHardening.Nsg.SubnetUpdateFailed",
                    call => network.PutSubnet(subnet.Id, subnetBody, call));
            }

            if (plan.Count == 0)
            {
                WriteVerbose($"{target}: the NSG rules are already in place: nothing to do.");
            }
            else
            {
                if (!ShouldProcess($"{target} ({subnet.Id})", char.ToUpperInvariant(plan.Describe()[0]) + plan.Describe().Substring(1))) return;
                var failure = plan.Execute(this, _activityId, Activity, target, subnet.Id);
                if (failure != null)
                {
                    WriteError(failure);
                    return;
                }
            }
            if (!PassThru) return;
            var after = plan.Count == 0 ? nsg : network.GetNetworkSecurityGroup(newNsgId, Call);
            var afterSubnet = plan.Count == 0 ? subnetJson : network.GetSubnet(subnet.Id, Call);
            WriteObject(new AoaiSubnetProtection
            {
                SubnetId = subnet.Id,
                NetworkSecurityGroupId = Json.Str(after?["id"]) ?? newNsgId,
                PrivateEndpointNetworkPolicies = Json.Str(afterSubnet?["properties"]?["privateEndpointNetworkPolicies"]),
                AllowedSourcePrefixes = _sources.Select(s => s.ToString()).ToArray(),
                SecurityRules = Json.Objects(after?["properties"]?["securityRules"]).Select(ToModel).OrderBy(r => r.Direction).ThenBy(r => r.Priority).ToArray(),
                Changes = plan.Done.ToArray(),
            });
        }

        /// <summary>The subnet as read, with only the NSG association and/or network policies changed (subnets have no PATCH).</summary>
        private static JsonObject SubnetBody(JsonObject subnet, string? nsgId, string policies)
        {
            var body = (JsonObject)subnet.DeepClone();
            body.Remove("etag");
            var props = body["properties"] as JsonObject ?? new JsonObject();
            body["properties"] = props;
            // Read-only lists ARM computes; the rest (delegations, service endpoints, route table, unknown fields) goes back as read.
            foreach (var readOnly in new[] { "provisioningState", "privateEndpoints", "ipConfigurations", "ipConfigurationProfiles", "resourceNavigationLinks", "serviceAssociationLinks" })
                props.Remove(readOnly);
            if (nsgId != null) props["networkSecurityGroup"] = new JsonObject { ["id"] = nsgId };
            props["privateEndpointNetworkPolicies"] = policies;
            return body;
        }

        private static JsonObject Rule(string name, int priority, string access, string protocol, string source, string[] destinations, string port, string description)
        {
            var props = new JsonObject
            {
                ["description"] = description,
                ["protocol"] = protocol,
                ["sourcePortRange"] = "*",
                ["destinationPortRange"] = port,
                ["sourceAddressPrefix"] = source,
                ["access"] = access,
                ["priority"] = priority,
                ["direction"] = "Inbound",
            };
            if (destinations.Length == 1) props["destinationAddressPrefix"] = destinations[0];
            else props["destinationAddressPrefixes"] = new JsonArray(destinations.Select(d => (JsonNode)d).ToArray());
            return new JsonObject { ["name"] = name, ["properties"] = props };
        }

        /// <summary>An inbound Allow rule that lets <paramref name="source"/> reach TCP 443 (whatever its name or priority).</summary>
        private static bool AllowsHttpsFrom(AoaiSecurityRule rule, Ipv4Range source) =>
            Json.EqualsIgnoreCase(rule.Direction, "Inbound") && Json.EqualsIgnoreCase(rule.Access, "Allow") && rule.Priority < DenyPriority &&
            (Json.EqualsIgnoreCase(rule.Protocol, "Tcp") || rule.Protocol == "*") &&
            rule.DestinationPortRanges.Any(CoversHttps) &&
            rule.SourceAddressPrefixes.Any(p => Ipv4Range.TryParse(p, out var have) && have.Equals(source));

        private static bool CoversHttps(string range)
        {
            if (range == "*" || range == "443") return true;
            var dash = range.IndexOf('-');
            return dash > 0 && int.TryParse(range.Substring(0, dash), out var low) && int.TryParse(range.Substring(dash + 1), out var high) && low <= 443 && high >= 443;
        }

        private static bool IsDenyAll(AoaiSecurityRule rule) =>
            Json.EqualsIgnoreCase(rule.Direction, "Inbound") && Json.EqualsIgnoreCase(rule.Access, "Deny") && rule.Protocol == "*" &&
            rule.SourceAddressPrefixes.Any(IsAny) && rule.DestinationPortRanges.Contains("*");

        private static bool IsBroad(AoaiSecurityRule rule) => rule.SourceAddressPrefixes.Any(IsAny);

        private static bool IsAny(string prefix) =>
            prefix == "*" || Json.EqualsIgnoreCase(prefix, "Internet") || Json.EqualsIgnoreCase(prefix, "Any") || prefix == "0.0.0.0/0";

        private static AoaiSecurityRule ToModel(JsonObject rule)
        {
            var p = rule["properties"] as JsonObject;
            return new AoaiSecurityRule
            {
                Name = Json.Str(rule["name"]) ?? string.Empty,
                Priority = p?["priority"] is JsonValue v && v.TryGetValue(out int priority) ? priority : 0,
                Direction = Json.Str(p?["direction"]) ?? string.Empty,
                Access = Json.Str(p?["access"]) ?? string.Empty,
                Protocol = Json.Str(p?["protocol"]) ?? string.Empty,
                SourceAddressPrefixes = OneOrMany(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
                DestinationAddressPrefixes = OneOrMany(p, "destinationAddressPrefix", "destinationAddressPrefixes"),
                DestinationPortRanges = OneOrMany(p, "destinationPortRange", "destinationPortRanges"),
                Description = Json.Str(p?["description"]),
            };
        }

        private static string[] OneOrMany(JsonObject? p, string one, string many)
        {
            var list = Json.Strings(p?[many]);
            return list.Length > 0 ? list : Json.Str(p?[one]) is string s && s.Length > 0 ? new[] { s } : Array.Empty<string>();
        }



    }
}
