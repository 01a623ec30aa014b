using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>virtualNetworks and their subnets.</summary>
internal sealed partial class NetworkProvider
{
    private static readonly string[] SubnetReadOnly = ["name", "properties.privateEndpoints", "properties.ipConfigurations"];

    /// <summary>Azure's smallest IPv4 subnet: a /29 (8 addresses, 5 of them reserved).</summary>
    private const int LongestSubnetPrefix = 29;

    private void MapVirtualNetworks(RouteGroupBuilder group)
    {
        var vnets = group.MapGroup("/virtualNetworks").WithMetadata(Api("virtualNetworks"));
        vnets.MapGet("", ctx => Reply(ctx, () => List(ctx, VirtualNetworkType, resourceGroup: true)));
        vnets.MapGet("/{virtualNetworkName}", ctx => Reply(ctx, () => Get(Find(ctx, VirtualNetworkType, Route(ctx, "virtualNetworkName")))));
        vnets.MapPut("/{virtualNetworkName}", ctx => Reply(ctx, () => PutVirtualNetwork(ctx)));
        vnets.MapPatch("/{virtualNetworkName}", ctx => Reply(ctx, () => PatchTags(ctx, Find(ctx, VirtualNetworkType, Route(ctx, "virtualNetworkName")))));
        vnets.MapDelete("/{virtualNetworkName}", ctx => Reply(ctx, () => DeleteVirtualNetwork(ctx)));

        var subnets = group.MapGroup("/virtualNetworks/{virtualNetworkName}/subnets").WithMetadata(Api("virtualNetworks/subnets"));
        subnets.MapGet("", ctx => Reply(ctx, () => ListChildren(ctx, Vnet(ctx), SubnetType)));
        subnets.MapGet("/{subnetName}", ctx => Reply(ctx, () => Get(FindSubnet(ctx, Vnet(ctx)))));
        subnets.MapPut("/{subnetName}", ctx => Reply(ctx, () => PutSubnet(ctx)));
        subnets.MapDelete("/{subnetName}", ctx => Reply(ctx, () => DeleteSubnet(ctx)));
    }

    private ArmResource Vnet(HttpContext ctx) => FindParent(ctx, VirtualNetworkType, Route(ctx, "virtualNetworkName"));

    private ArmResource FindSubnet(HttpContext ctx, ArmResource vnet)
    {
        var id = $"{vnet.Id}/subnets/{Route(ctx, "subnetName")}";
        return state.Resources.Find(id, SubnetType) ?? throw ChildNotFound(id);
    }

    /// <summary>
    /// Create (201) or replace (200). The inline <c>subnets</c> list replaces the network's subnets, as in ARM: one left
    /// out is deleted (refused while a private endpoint sits in it), so a PUT without the list removes them all.
    /// </summary>
    private ArmReply PutVirtualNetwork(HttpContext ctx)
    {
        var name = Route(ctx, "virtualNetworkName");
        var id = IdFor(ctx, VirtualNetworkType, name);
        var existing = state.Resources.Find(id, VirtualNetworkType);
        var body = TopLevelBody(ctx, existing, name, []);
        var space = AddressSpace(body, existing?.Id ?? id);

        var wanted = new List<(string Name, JsonObject Body)>();
        var placed = new List<(string Name, List<Ipv4Prefix> Prefixes)>();
        foreach (var (subnetName, item) in InlineChildren(body, "subnets", id))
        {
            var subnetBody = ChildBody(item, SubnetReadOnly);
            var prefixes = CheckSubnet(name, space, subnetName, $"{existing?.Id ?? id}/subnets/{subnetName}", subnetBody, body.StringAt("location")!, placed);
            placed.Add((subnetName, prefixes));
            wanted.Add((subnetName, subnetBody));
        }
        if (existing is not null)
            foreach (var current in state.Resources.Children(existing, SubnetType))
            {
                var kept = wanted.FirstOrDefault(w => w.Name.Equals(ShortName(current), StringComparison.OrdinalIgnoreCase));
                CheckSubnetChangeAllowed(current, kept.Body);
            }

        var resource = existing ?? state.Resources.Add(id, ArmPipeline.Scope(ctx, state).SubscriptionId, ArmPipeline.Scope(ctx, state).ResourceGroup, VirtualNetworkType, name, body);
        resource.Body = body;
        ReplaceChildren(resource, SubnetType, wanted);
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, body.StringAt("location")!, existing is null ? 201 : 200);
    }

    private ArmReply DeleteVirtualNetwork(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, VirtualNetworkType, Route(ctx, "virtualNetworkName")), VirtualNetworkType) is not { } vnet)
            return new ArmReply(204);
        foreach (var subnet in state.Resources.Children(vnet, SubnetType))
            CheckSubnetChangeAllowed(subnet, newBody: null);
        return StartOperation(ctx, vnet, OperationKind.Delete, vnet.Body.StringAt("location") ?? "global", 202);
    }

    private ArmReply PutSubnet(HttpContext ctx)
    {
        var vnet = Vnet(ctx);
        var subnetName = Route(ctx, "subnetName");
        var id = $"{vnet.Id}/subnets/{subnetName}";
        var existing = state.Resources.Find(id, SubnetType);
        var body = ChildBody(RequestBody.RequireObject(ctx), SubnetReadOnly);
        var siblings = state.Resources.Children(vnet, SubnetType)
            .Where(s => !s.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
            .Select(s => (ShortName(s), SubnetPrefixes(s.Body)));
        CheckSubnet(vnet.Name, AddressSpace(vnet.Body, vnet.Id), subnetName, existing?.Id ?? id, body, vnet.Body.StringAt("location") ?? "", siblings);
        if (existing is not null)
            CheckSubnetChangeAllowed(existing, body);

        var resource = existing ?? state.Resources.Add(id, vnet.SubscriptionId, vnet.ResourceGroup, SubnetType, $"{vnet.Name}/{subnetName}", body);
        resource.Body = body;
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, vnet.Body.StringAt("location") ?? "global", existing is null ? 201 : 200);
    }

    private ArmReply DeleteSubnet(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, VirtualNetworkType, Route(ctx, "virtualNetworkName")), VirtualNetworkType) is not { } vnet
            || state.Resources.Find($"{vnet.Id}/subnets/{Route(ctx, "subnetName")}", SubnetType) is not { } subnet)
            return new ArmReply(204);
        CheckSubnetChangeAllowed(subnet, newBody: null);
        return StartOperation(ctx, subnet, OperationKind.Delete, vnet.Body.StringAt("location") ?? "global", 202);
    }

    /// <summary><c>properties.addressSpace.addressPrefixes</c>: at least one valid IPv4 CIDR.</summary>
    private static List<Ipv4Prefix> AddressSpace(JsonObject body, string id)
    {
        var prefixes = Strings(body["properties"]?["addressSpace"]?["addressPrefixes"]).ToList();
        if (prefixes.Count == 0)
            throw ArmErrors.BadRequest("NoAddressPrefixOrPoolProvided",
                $"Virtual network {id} needs properties.addressSpace.addressPrefixes (or an IPAM pool allocation).");
        return prefixes.Select(p => ParseCidr(p, id)).ToList();
    }

    /// <summary>
    /// NRP's subnet checks, in its order: a prefix is given and is valid CIDR, no longer than /29, inside the network's
    /// address space, not overlapping a sibling; a named NSG exists in the network's region.
    /// </summary>
    private List<Ipv4Prefix> CheckSubnet(string vnetName, List<Ipv4Prefix> space, string subnetName, string subnetId, JsonObject body,
        string vnetLocation, IEnumerable<(string Name, List<Ipv4Prefix> Prefixes)> siblings)
    {
        var texts = SubnetPrefixTexts(body);
        if (texts.Count == 0)
            throw ArmErrors.BadRequest("NoAddressPrefixOrPoolProvided",
                $"Subnet {subnetId} needs properties.addressPrefix or properties.addressPrefixes (or an IPAM pool allocation).");
        var prefixes = texts.Select(t => ParseCidr(t, subnetId)).ToList();
        foreach (var prefix in prefixes)
        {
            if (prefix.Length > LongestSubnetPrefix)
                throw ArmErrors.BadRequest("NetcfgInvalidSubnet", $"Subnet '{subnetName}' is not valid in virtual network '{vnetName}'.");
            if (!space.Any(s => s.Contains(prefix)))
                throw ArmErrors.BadRequest("NetcfgSubnetRangeOutsideVnet",
                    $"Subnet '{subnetName}' is not valid because its IP address range is outside the IP address range of virtual network '{vnetName}'.");
            if (siblings.Any(s => s.Prefixes.Any(p => p.Overlaps(prefix))))
                throw ArmErrors.BadRequest("NetcfgSubnetRangesOverlap",
                    $"Subnet '{subnetName}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '{vnetName}'.");
        }
        if (body["properties"]?["networkSecurityGroup"] is JsonObject nsgReference)
        {
            var nsgId = nsgReference.StringAt("id");
            var nsg = state.Resources.Find(nsgId, SecurityGroupType);
            if (nsg is null || ArmLocation.Normalize(nsg.Body.StringAt("location") ?? "") != ArmLocation.Normalize(vnetLocation))
                throw InvalidReference(nsgId ?? "(no id)", subnetId);
        }
        return prefixes;
    }

    /// <summary>A subnet with private endpoints in it can be neither deleted nor renumbered (<paramref name="newBody"/> null = deleted).</summary>
    private void CheckSubnetChangeAllowed(ArmResource subnet, JsonObject? newBody)
    {
        var endpoint = EndpointsIn(subnet).FirstOrDefault();
        if (endpoint is null)
            return;
        if (newBody is null)
            throw ArmErrors.BadRequest("InUseSubnetCannotBeDeleted",
                $"Subnet {ShortName(subnet)} is in use by {IpConfigurationId(endpoint)} and cannot be deleted. " +
                "In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.");
        if (!SubnetPrefixTexts(subnet.Body).SequenceEqual(SubnetPrefixTexts(newBody), StringComparer.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("InUseSubnetCannotBeUpdated",
                $"Subnet {ShortName(subnet)} is in use by {IpConfigurationId(endpoint)} and its address prefix cannot be updated.");
    }

    private static List<string> SubnetPrefixTexts(JsonObject body)
    {
        var properties = body["properties"];
        var many = Strings(properties?["addressPrefixes"]).ToList();
        return many.Count > 0 ? many : properties.StringAt("addressPrefix") is { } one ? [one] : [];
    }

    /// <summary>A stored subnet's prefixes (stored subnets were validated; seeded ones are taken as far as they parse).</summary>
    private static List<Ipv4Prefix> SubnetPrefixes(JsonObject body) =>
        SubnetPrefixTexts(body).Select(t => Ipv4.TryParsePrefix(t, out var p) == PrefixProblem.Format ? (Ipv4Prefix?)null : p).OfType<Ipv4Prefix>().ToList();

    private static Ipv4Prefix ParseCidr(string text, string resourceId) => Ipv4.TryParsePrefix(text, out var prefix) switch
    {
        PrefixProblem.None => prefix,
        PrefixProblem.HostBitsSet => throw ArmErrors.BadRequest("InvalidCIDRNotation",
            $"The address prefix {text} in resource {resourceId} has an invalid CIDR notation. For the given prefix length, the address prefix should be {prefix}."),
        _ => throw ArmErrors.BadRequest("InvalidAddressPrefixFormat",
            $"Address prefix {text} of resource {resourceId} is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24."),
    };

    /// <summary>The private endpoints whose subnet is <paramref name="subnet"/>.</summary>
    private IEnumerable<ArmResource> EndpointsIn(ArmResource subnet) =>
        state.Resources.Query(type: PrivateEndpointType)
            .Where(pe => subnet.Id.Equals(pe.Body["properties"]?["subnet"].StringAt("id"), StringComparison.OrdinalIgnoreCase));

    private void FillVirtualNetwork(JsonObject json, ArmResource r)
    {
        FillCommon(json, r);
        var properties = json.ObjectAt("properties");
        properties["subnets"] = new JsonArray([.. state.Resources.Children(r, SubnetType).Select(s => (JsonNode)state.Resources.Render(s))]);
        properties["virtualNetworkPeerings"] ??= new JsonArray();
        properties["enableDdosProtection"] ??= false;
    }

    /// <summary>Also the read-only lists ARM computes: the private endpoints in the subnet and their NIC IP configurations.</summary>
    private void FillSubnet(JsonObject json, ArmResource r)
    {
        FillChild(json, r);
        var properties = json.ObjectAt("properties");
        properties["privateEndpointNetworkPolicies"] ??= "Disabled";
        properties["privateLinkServiceNetworkPolicies"] ??= "Enabled";
        properties["delegations"] ??= new JsonArray();
        var endpoints = EndpointsIn(r).ToList();
        if (endpoints.Count == 0)
            return;
        properties["ipConfigurations"] = new JsonArray([.. endpoints.Select(pe => (JsonNode)new JsonObject { ["id"] = IpConfigurationId(pe) })]);
        properties["privateEndpoints"] = new JsonArray([.. endpoints.Select(pe => (JsonNode)new JsonObject { ["id"] = pe.Id })]);
    }
}
