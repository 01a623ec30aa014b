using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Arm;
using AoaiHardening.Model;
using AoaiHardening.Rules.Input;
using AoaiHardening.Services;

namespace AoaiHardening.Cmdlets.Network
{
    /// <summary>
    /// Gives an account a private endpoint in a subnet, with the private DNS that makes its name resolve to it: the
    /// endpoint (groupId account), the cloud's privatelink zones for the account's kind (created or reused), a link from
    /// each zone to the virtual network (registration off), and the endpoint's DNS zone group, which keeps the A records
    /// in step with the endpoint. Every piece already in place is reused, so a re-run writes nothing. Fixes AOAI-NET-003
    /// and AOAI-NET-007.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AoaiPrivateEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(AoaiPrivateEndpoint))]
    public sealed class NewAoaiPrivateEndpoint : AccountTargetCmdlet
    {
        private const string GroupId = "account";
        private const string ZoneGroupName = "default";
        private const string Activity = "New-AoaiPrivateEndpoint";

        private static int _nextActivityId = 5100;
        private readonly int _activityId = System.Threading.Interlocked.Increment(ref _nextActivityId);

        /// <summary>The subnet for the endpoint. Alternatively -VirtualNetworkName and -SubnetName.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubnetId { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? VirtualNetworkName { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SubnetName { get; set; }

        /// <summary>The virtual network's resource group (with -VirtualNetworkName); default: the account's.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NetworkResourceGroupName { get; set; }

        /// <summary>The endpoint's name; default pe-{account name}. It is created in the virtual network's resource group.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PrivateEndpointName { get; set; }

        /// <summary>Zone names (created or reused) or zone resource ids (reused, e.g. a hub's); replaces the cloud's list.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? PrivateDnsZoneName { get; set; }

        /// <summary>Where zones named by -PrivateDnsZoneName (or the cloud's list) live; default: the endpoint's resource group.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PrivateDnsZoneResourceGroupName { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private List<string>? _zoneArguments;

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            if (SubnetId != null && (VirtualNetworkName != null || SubnetName != null))
                Refuse("Name the subnet either with -SubnetId or with -VirtualNetworkName and -SubnetName, not both.", "AoaiHardening.PrivateEndpoint.AmbiguousSubnet");
            if (SubnetId == null && (VirtualNetworkName == null || SubnetName == null))
                Refuse("Name the endpoint's subnet: -SubnetId, or -VirtualNetworkName with -SubnetName.", "AoaiHardening.PrivateEndpoint.SubnetRequired");
            if (SubnetId != null) ValidateOrThrow(() => SubnetResourceId.Parse(SubnetId), "AoaiHardening.PrivateEndpoint.InvalidSubnetId", SubnetId);
            if (PrivateEndpointName != null) ValidateOrThrow(() => SubnetResourceId.ValidateName(PrivateEndpointName, "private endpoint"), "AoaiHardening.PrivateEndpoint.InvalidName", PrivateEndpointName);
            if (NetworkResourceGroupName != null) ValidateOrThrow(() => AccountId.ValidateResourceGroupName(NetworkResourceGroupName), "AoaiHardening.PrivateEndpoint.InvalidResourceGroupName", NetworkResourceGroupName);
            if (PrivateDnsZoneResourceGroupName != null) ValidateOrThrow(() => AccountId.ValidateResourceGroupName(PrivateDnsZoneResourceGroupName), "AoaiHardening.PrivateEndpoint.InvalidResourceGroupName", PrivateDnsZoneResourceGroupName);
            if (PrivateDnsZoneName != null)
                _zoneArguments = PrivateDnsZoneName.Select(z => ValidateOrThrow(() => PrivateDnsZoneRef.Validate(z), "AoaiHardening.PrivateEndpoint.InvalidDnsZone", z))
                    .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        protected override void ProcessRecord()
        {
            var id = ResolveTarget();
            var subnet = SubnetId != null
                ? SubnetResourceId.Parse(SubnetId)
                : ValidateOrThrow(() => SubnetResourceId.Create(id.SubscriptionId, NetworkResourceGroupName ?? id.ResourceGroupName, VirtualNetworkName!, SubnetName!),
                    "AoaiHardening.PrivateEndpoint.InvalidSubnetId", VirtualNetworkName);
            var network = new NetworkService(Arm);
            var target = $"account '{id.Name}'";
            try
            {
                var account = new AccountService(Arm).Get(id, Call);
                if (string.IsNullOrWhiteSpace(account.CustomSubDomainName))
                {
                    WriteError(new ErrorRecord(new InvalidOperationException(
                            $"{MyInvocation.MyCommand.Name}: account '{account.Name}' ({account.Id}) has no custom subdomain, which private endpoints and private DNS need (AOAI-NET-005). " +
                            "It can only be set when the account is created: recreate it with a customSubDomainName."),
                        "AoaiHardening.PrivateEndpoint.NoCustomSubdomain", ErrorCategory.InvalidOperation, account));
                    return;
                }

                var namedEndpointId = PrivateEndpointIdFor(subnet, account);
                var zones = ZonesFor(account, subnet);
                if (zones == null) return; // refused, reported

                var subnetJson = network.GetSubnet(subnet.Id, Call);
                var vnetJson = subnetJson == null ? null : network.GetVirtualNetwork(subnet.VirtualNetworkId, Call);
                if (subnetJson == null || vnetJson == null)
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException(
                            $"{MyInvocation.MyCommand.Name}: subnet '{subnet.Name}' of virtual network '{subnet.VirtualNetworkName}' ({subnet.Id}) was not found."),
                        "AoaiHardening.PrivateEndpoint.SubnetNotFound", ErrorCategory.ObjectNotFound, subnet.Id));
                    return;
                }
                var location = Json.Str(vnetJson["location"]) ?? account.Location ?? "global";

                // The endpoint: one already serving the account from this subnet (whatever its name), else the named one.
                var endpoint = FindExistingEndpoint(network, account, subnet);
                var endpointId = endpoint != null ? Json.Str(endpoint["id"])! : namedEndpointId;
                if (endpoint == null)
                {
                    endpoint = network.GetPrivateEndpoint(endpointId, Call);
                    if (endpoint != null && !ServesFrom(endpoint, account.Id, subnet))
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException(
                                $"{MyInvocation.MyCommand.Name}: a private endpoint named '{ResourceIds.LastSegment(endpointId)}' already exists in '{ResourceGroupOf(endpointId)}' and does not connect {target} from subnet '{subnet.Name}'. " +
                                "Choose another name with -PrivateEndpointName."),
                            "AoaiHardening.PrivateEndpoint.NameInUse", ErrorCategory.ResourceExists, endpointId));
                        return;
                    }
                }

                // The zones, their links to the virtual network, and the zone group's configs.
                var plan = new ChangePlan();
                var groups = endpoint != null ? network.ListPrivateDnsZoneGroups(endpointId, Call) : Array.Empty<JsonObject>();
                var existingGroup = groups.FirstOrDefault();
                var configured = new HashSet<string>(ZoneIdsOf(existingGroup), StringComparer.OrdinalIgnoreCase);
                if (endpoint == null)
                {
                    plan.Add($"create private endpoint '{ResourceIds.LastSegment(endpointId)}' in subnet '{subnet.Name}' of '{subnet.VirtualNetworkName}'", "AoaiHardening.PrivateEndpoint.CreateFailed",
                        call => network.PutPrivateEndpoint(endpointId, EndpointBody(account, subnet, location, ResourceIds.LastSegment(endpointId)), call));
                }
                foreach (var zone in zones)
                {
                    var zoneJson = network.GetPrivateDnsZone(zone.Id, Call);
                    if (zoneJson == null)
                    {
                        if (zone.MustExist)
                        {
                            WriteError(new ErrorRecord(new ItemNotFoundException($"{MyInvocation.MyCommand.Name}: private DNS zone '{zone.Id}' was not found."),
                                "AoaiHardening.PrivateEndpoint.DnsZoneNotFound", ErrorCategory.ObjectNotFound, zone.Id));
                            return;
                        }
                        plan.Add($"create private DNS zone '{zone.Name}' in '{zone.ResourceGroupName}'", "AoaiHardening.PrivateEndpoint.DnsZoneFailed",
                            call => CreateZone(network, zone, call));
                    }
                    var linked = zoneJson != null && network.ListVirtualNetworkLinks(zone.Id, Call)
                        .Any(l => ArmScope.SameScope(Json.Str(l["properties"]?["virtualNetwork"]?["id"]), subnet.VirtualNetworkId));
                    if (!linked)
                    {
                        var linkId = $"{zone.Id}/virtualNetworkLinks/{LinkName(subnet)}";
                        plan.Add($"link private DNS zone '{zone.Name}' to virtual network '{subnet.VirtualNetworkName}'", "AoaiHardening.PrivateEndpoint.DnsLinkFailed",
                            call => CreateLink(network, zone, linkId, subnet, call));
                    }
                }
                var missing = zones.Where(z => !configured.Contains(z.Id)).ToList();
                if (missing.Count > 0)
                {
                    plan.Add($"{(existingGroup == null ? "create" : "update")} the DNS zone group of '{ResourceIds.LastSegment(endpointId)}' ({string.Join(", ", missing.Select(z => z.Name))})",
                        "AoaiHardening.PrivateEndpoint.DnsZoneGroupFailed",
                        call => network.PutPrivateDnsZoneGroup(ZoneGroupIdOf(existingGroup, endpointId), ZoneGroupBody(existingGroup, missing), call));
                }

                if (plan.Count == 0)
                {
                    WriteVerbose($"{account.Name}: private endpoint '{ResourceIds.LastSegment(endpointId)}' and its private DNS are already in place: nothing to do.");
                }
                else
                {
                    if (!ShouldProcess($"{account.Name} ({account.Id})", char.ToUpperInvariant(plan.Describe()[0]) + plan.Describe().Substring(1))) return;
                    var failure = plan.Execute(this, _activityId, Activity, target, account.Id);
                    if (failure != null)
                    {
                        WriteError(failure);
                        return;
                    }
                }

                // Nothing written: what was read while planning is the state; else read it back.
                var result = plan.Count == 0 && endpoint != null
                    ? PrivateEndpoints.ToModel(endpoint, groups, account.Id, account.Name, plan.Done)
                    : ReadResult(network, account, endpointId, plan.Done);
                if (result.ConnectionStatus != null && !string.Equals(result.ConnectionStatus, "Approved", StringComparison.OrdinalIgnoreCase))
                    WriteWarning($"The connection of private endpoint '{result.Name}' to '{account.Name}' is {result.ConnectionStatus}: it carries no traffic until it is approved on the account (Private endpoint connections).");
                if (PassThru) WriteObject(result);
            }
            catch (ArmRequestException ex) when (ex.Status == 404 && ex.Method == "GET" && ArmScope.SameScope(ex.ResourcePath, id.Id))
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.Account.NotFound", $"reading account '{id.Name}' ({id.Id})", id.Id));
            }
            catch (ArmRequestException ex)
            {
                WriteError(ArmErrorRecord(ex, "AoaiHardening.PrivateEndpoint.ReadFailed", $"reading the network state for {target} ({id.Id})", id.Id));
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

        private void Refuse(string message, string errorId) =>
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"{MyInvocation.MyCommand.Name}: {message}"), errorId, ErrorCategory.InvalidArgument, null));

        private string PrivateEndpointIdFor(SubnetResourceId subnet, AoaiAccount account)
        {
            // Default pe-{account}: ARM's 80-character limit leaves room for any account name (≤ 64).
            var name = PrivateEndpointName ?? "pe-" + account.Name;
            return $"/subscriptions/{subnet.SubscriptionId}/resourceGroups/{subnet.ResourceGroupName}/providers/Microsoft.Network/privateEndpoints/{name}";
        }

        /// <summary>The zones to use: -PrivateDnsZoneName, else the cloud's list for the kind; null (reported) when neither names any.</summary>
        private List<PrivateDnsZoneRef>? ZonesFor(AoaiAccount account, SubnetResourceId subnet)
        {
            var group = PrivateDnsZoneResourceGroupName ?? subnet.ResourceGroupName;
            if (_zoneArguments != null)
                return _zoneArguments.Select(z => PrivateDnsZoneRef.From(z, subnet.SubscriptionId, group)).ToList();
            var listed = Arm.Environment.PrivateLinkZonesFor(account.Kind);
            if (listed.Count == 0)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                        $"{MyInvocation.MyCommand.Name}: Microsoft lists no private DNS zone for Cognitive Services private endpoints in {Arm.Environment.Name}, so none is guessed. " +
                        "Name the zones with -PrivateDnsZoneName (zone names or existing zone resource ids)."),
                    "AoaiHardening.PrivateEndpoint.DnsZoneRequired", ErrorCategory.InvalidArgument, account));
                return null;
            }
            return listed.Select(z => PrivateDnsZoneRef.From(z.Name, subnet.SubscriptionId, group)).ToList();
        }

        /// <summary>An endpoint that already connects the account from this subnet, found through the account's connections.</summary>
        private JsonObject? FindExistingEndpoint(NetworkService network, AoaiAccount account, SubnetResourceId subnet) =>
            network.ConnectedEndpoints(account, Call).FirstOrDefault(e => ServesFrom(e, account.Id, subnet));

        private static bool ServesFrom(JsonObject endpoint, string accountId, SubnetResourceId subnet)
        {
            var props = endpoint["properties"] as JsonObject;
            if (!subnet.Is(Json.Str(props?["subnet"]?["id"]))) return false;
            return Json.Objects(props?["privateLinkServiceConnections"]).Concat(Json.Objects(props?["manualPrivateLinkServiceConnections"]))
                .Any(c => ArmScope.SameScope(Json.Str(c["properties"]?["privateLinkServiceId"]), accountId));
        }

        private static JsonObject EndpointBody(AoaiAccount account, SubnetResourceId subnet, string location, string name) => new JsonObject
        {
            ["location"] = location,
            ["properties"] = new JsonObject
            {
                ["subnet"] = new JsonObject { ["id"] = subnet.Id },
                ["privateLinkServiceConnections"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = name,
                        ["properties"] = new JsonObject
                        {
                            ["privateLinkServiceId"] = account.Id,
                            ["groupIds"] = new JsonArray { GroupId },
                        },
                    },
                },
            },
        };

        private void CreateZone(NetworkService network, PrivateDnsZoneRef zone, ArmCallOptions call)
        {
            try
            {
                network.CreatePrivateDnsZone(zone.Id, null, call);
            }
            catch (ArmRequestException ex) when (ex.Status == 412)
            {
                // Created by someone else since we looked (If-None-Match: *): reuse it.
                WriteVerbose($"Private DNS zone '{zone.Name}' appeared in '{zone.ResourceGroupName}' meanwhile; reusing it.");
            }
        }

        private void CreateLink(NetworkService network, PrivateDnsZoneRef zone, string linkId, SubnetResourceId subnet, ArmCallOptions call)
        {
            try
            {
                network.CreateVirtualNetworkLink(linkId, subnet.VirtualNetworkId, call);
            }
            catch (ArmRequestException ex) when (ex.Status == 412)
            {
                // The link exists (If-None-Match: *): made meanwhile, or by our own PUT whose answer was lost and was retried.
                // Its name is derived from the virtual network, so one that links that network is the one we wanted.
                var existing = network.GetVirtualNetworkLink(linkId, call);
                if (existing == null || !ArmScope.SameScope(Json.Str(existing["properties"]?["virtualNetwork"]?["id"]), subnet.VirtualNetworkId))
                    throw;
                WriteVerbose($"Private DNS zone '{zone.Name}' is already linked to '{subnet.VirtualNetworkName}'; reusing the link.");
            }
        }

        /// <summary>Unique per virtual network (the same vnet name in two spokes must not collide in a shared hub zone), ≤ 80 chars.</summary>
        private static string LinkName(SubnetResourceId subnet)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(subnet.VirtualNetworkId.ToLowerInvariant()));
            var suffix = string.Concat(hash.Take(4).Select(b => b.ToString("x2")));
            var name = subnet.VirtualNetworkName.Length > 70 ? subnet.VirtualNetworkName.Substring(0, 70) : subnet.VirtualNetworkName;
            return $"{name}-{suffix}";
        }

        private static IEnumerable<string> ZoneIdsOf(JsonObject? group) =>
            Json.Objects(group?["properties"]?["privateDnsZoneConfigs"]).Select(c => Json.Str(c["properties"]?["privateDnsZoneId"])).Where(z => z != null).Select(z => z!);

        private static string ZoneGroupIdOf(JsonObject? existing, string endpointId) =>
            Json.Str(existing?["id"]) ?? $"{endpointId}/privateDnsZoneGroups/{ZoneGroupName}";

        /// <summary>The zone group as read (unknown fields and other configs kept), plus a config per missing zone.</summary>
        private static JsonObject ZoneGroupBody(JsonObject? existing, IEnumerable<PrivateDnsZoneRef> missing)
        {
            var body = existing != null ? (JsonObject)existing.DeepClone() : new JsonObject();
            foreach (var readOnly in new[] { "id", "etag", "type" }) body.Remove(readOnly);
            if (!(body["properties"] is JsonObject props)) body["properties"] = props = new JsonObject();
            props.Remove("provisioningState");
            if (!(props["privateDnsZoneConfigs"] is JsonArray configs)) props["privateDnsZoneConfigs"] = configs = new JsonArray();
            foreach (var config in configs.OfType<JsonObject>()) (config["properties"] as JsonObject)?.Remove("recordSets");
            foreach (var zone in missing)
            {
                configs.Add(new JsonObject
                {
                    ["name"] = zone.Name.Replace('.', '-'),
                    ["properties"] = new JsonObject { ["privateDnsZoneId"] = zone.Id },
                });
            }
            return body;
        }

        private AoaiPrivateEndpoint ReadResult(NetworkService network, AoaiAccount account, string endpointId, IReadOnlyList<string> done)
        {
            var endpoint = network.GetPrivateEndpoint(endpointId, Call) ?? new JsonObject { ["id"] = endpointId };
            var groups = network.ListPrivateDnsZoneGroups(endpointId, Call);
            return PrivateEndpoints.ToModel(endpoint, groups, account.Id, account.Name, done);
        }


        private static string ResourceGroupOf(string id) => ArmScope.TryParse(id, out var scope) ? scope!.ResourceGroupName ?? id : id;
    }
}
