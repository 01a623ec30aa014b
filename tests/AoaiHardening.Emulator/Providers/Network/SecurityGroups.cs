using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>networkSecurityGroups, their securityRules, and the six default rules every group has.</summary>
internal sealed partial class NetworkProvider
{
    private static readonly string[] SecurityGroupReadOnly =
        ["properties.defaultSecurityRules", "properties.subnets", "properties.networkInterfaces", "properties.flowLogs"];

    private static readonly string[] Protocols = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];
    private static readonly string[] Accesses = ["Allow", "Deny"];
    private static readonly string[] Directions = ["Inbound", "Outbound"];

    /// <summary>The rules Azure puts in every NSG (name, priority, direction, access, source, destination, description).</summary>
    private static readonly (string Name, int Priority, string Direction, string Access, string Source, string Destination, string Description)[] DefaultRules =
    [
        ("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Allow inbound traffic from all VMs in VNET"),
        ("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*", "Allow inbound traffic from azure load balancer"),
        ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "Deny all inbound traffic"),
        ("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Allow outbound traffic from all VMs to all VMs in VNET"),
        ("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet", "Allow outbound traffic from all VMs to Internet"),
        ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "Deny all outbound traffic"),
    ];

    private void MapSecurityGroups(RouteGroupBuilder group)
    {
        var groups = group.MapGroup("/networkSecurityGroups").WithMetadata(Api("networkSecurityGroups"));
        groups.MapGet("", ctx => Reply(ctx, () => List(ctx, SecurityGroupType, resourceGroup: true)));
        groups.MapGet("/{networkSecurityGroupName}", ctx => Reply(ctx, () => Get(Find(ctx, SecurityGroupType, Route(ctx, "networkSecurityGroupName")))));
        groups.MapPut("/{networkSecurityGroupName}", ctx => Reply(ctx, () => PutSecurityGroup(ctx)));
        groups.MapPatch("/{networkSecurityGroupName}", ctx => Reply(ctx, () => PatchTags(ctx, Find(ctx, SecurityGroupType, Route(ctx, "networkSecurityGroupName")))));
        groups.MapDelete("/{networkSecurityGroupName}", ctx => Reply(ctx, () => DeleteSecurityGroup(ctx)));

        var rules = group.MapGroup("/networkSecurityGroups/{networkSecurityGroupName}/securityRules").WithMetadata(Api("networkSecurityGroups/securityRules"));
        rules.MapGet("", ctx => Reply(ctx, () => ListChildren(ctx, Nsg(ctx), SecurityRuleType)));
        rules.MapGet("/{securityRuleName}", ctx => Reply(ctx, () => Get(FindRule(ctx, Nsg(ctx)))));
        rules.MapPut("/{securityRuleName}", ctx => Reply(ctx, () => PutSecurityRule(ctx)));
        rules.MapDelete("/{securityRuleName}", ctx => Reply(ctx, () => DeleteSecurityRule(ctx)));

        var defaults = group.MapGroup("/networkSecurityGroups/{networkSecurityGroupName}/defaultSecurityRules").WithMetadata(Api("networkSecurityGroups/defaultSecurityRules"));
        defaults.MapGet("", ctx => Reply(ctx, () => Paging.Page(ctx, [.. RenderDefaultRules(Nsg(ctx))], state.Config.PageSize)));
        defaults.MapGet("/{defaultSecurityRuleName}", ctx => Reply(ctx, () =>
        {
            var nsg = Nsg(ctx);
            var id = $"{nsg.Id}/defaultSecurityRules/{Route(ctx, "defaultSecurityRuleName")}";
            return new ArmReply(200, RenderDefaultRules(nsg).FirstOrDefault(r => id.Equals((string?)r["id"], StringComparison.OrdinalIgnoreCase))
                ?? throw ChildNotFound(id));
        }));
    }

    private ArmResource Nsg(HttpContext ctx) => FindParent(ctx, SecurityGroupType, Route(ctx, "networkSecurityGroupName"));

    private ArmResource FindRule(HttpContext ctx, ArmResource nsg)
    {
        var id = $"{nsg.Id}/securityRules/{Route(ctx, "securityRuleName")}";
        return state.Resources.Find(id, SecurityRuleType) ?? throw ChildNotFound(id);
    }

    /// <summary>Create (201) or replace (200); the inline <c>securityRules</c> replace the group's rules.</summary>
    private ArmReply PutSecurityGroup(HttpContext ctx)
    {
        var name = Route(ctx, "networkSecurityGroupName");
        var id = IdFor(ctx, SecurityGroupType, name);
        var existing = state.Resources.Find(id, SecurityGroupType);
        var body = TopLevelBody(ctx, existing, name, SecurityGroupReadOnly);
        var wanted = new List<(string Name, JsonObject Body)>();
        foreach (var (ruleName, item) in InlineChildren(body, "securityRules", id))
        {
            var ruleBody = ChildBody(item, ["name"]);
            CheckRule(ruleName, ruleBody, wanted);
            wanted.Add((ruleName, ruleBody));
        }

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var resource = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, SecurityGroupType, name, body);
        resource.Body = body;
        ReplaceChildren(resource, SecurityRuleType, wanted);
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, body.StringAt("location")!, existing is null ? 201 : 200);
    }

    /// <summary>Refused while subnets use the group, as NRP does: the association has to go first.</summary>
    private ArmReply DeleteSecurityGroup(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, SecurityGroupType, Route(ctx, "networkSecurityGroupName")), SecurityGroupType) is not { } nsg)
            return new ArmReply(204);
        var users = SubnetsUsing(nsg).Select(s => s.Id).ToList();
        if (users.Count > 0)
            throw ArmErrors.BadRequest("InUseNetworkSecurityGroupCannotBeDeleted",
                $"Network security group {nsg.Id} cannot be deleted because it is in use by the following resources: {string.Join(", ", users)}. " +
                "In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.");
        return StartOperation(ctx, nsg, OperationKind.Delete, nsg.Body.StringAt("location") ?? "global", 202);
    }

    private ArmReply PutSecurityRule(HttpContext ctx)
    {
        var nsg = Nsg(ctx);
        var ruleName = Route(ctx, "securityRuleName");
        var id = $"{nsg.Id}/securityRules/{ruleName}";
        var existing = state.Resources.Find(id, SecurityRuleType);
        var body = ChildBody(RequestBody.RequireObject(ctx), ["name"]);
        var siblings = state.Resources.Children(nsg, SecurityRuleType)
            .Where(r => !r.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
            .Select(r => (ShortName(r), r.Body));
        CheckRule(ruleName, body, siblings);

        var resource = existing ?? state.Resources.Add(id, nsg.SubscriptionId, nsg.ResourceGroup, SecurityRuleType, $"{nsg.Name}/{ruleName}", body);
        resource.Body = body;
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, nsg.Body.StringAt("location") ?? "global", existing is null ? 201 : 200);
    }

    private ArmReply DeleteSecurityRule(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, SecurityGroupType, Route(ctx, "networkSecurityGroupName")), SecurityGroupType) is not { } nsg
            || state.Resources.Find($"{nsg.Id}/securityRules/{Route(ctx, "securityRuleName")}", SecurityRuleType) is not { } rule)
            return new ArmReply(204);
        return StartOperation(ctx, rule, OperationKind.Delete, nsg.Body.StringAt("location") ?? "global", 202);
    }

    /// <summary>
    /// NRP's rule checks: protocol, ports, addresses, access, priority (100–4096) and direction present and valid (an enum
    /// value it cannot read is a request it cannot parse), and no other rule of the group with the same priority and direction.
    /// </summary>
    private static void CheckRule(string name, JsonObject body, IEnumerable<(string Name, JsonObject Body)> siblings)
    {
        var p = body["properties"] as JsonObject ?? throw Missing(name, "properties");
        EnumValue(p, "protocol", "SecurityRuleProtocol", Protocols, name);
        foreach (var side in new[] { "source", "destination" })
        {
            var ranges = Strings(p[$"{side}PortRanges"]).ToList();
            if (p.StringAt($"{side}PortRange") is { } single)
                ranges.Add(single);
            if (ranges.Count == 0)
                throw Missing(name, $"{side}PortRange");
            foreach (var range in ranges.Where(r => !IsPortRange(r)))
                throw ArmErrors.BadRequest("SecurityRuleInvalidPortRange",
                    $"Security rule has invalid Port range. Value provided: {range}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.");

            var prefixes = Strings(p[$"{side}AddressPrefixes"]).ToList();
            if (p.StringAt($"{side}AddressPrefix") is { } prefix)
                prefixes.Add(prefix);
            var groups = p[$"{side}ApplicationSecurityGroups"] is JsonArray { Count: > 0 };
            if (prefixes.Count == 0 && !groups)
                throw Missing(name, $"{side}AddressPrefix");
            foreach (var bad in prefixes.Where(x => !IsAddressPrefix(x)))
                throw ArmErrors.BadRequest("SecurityRuleInvalidAddressPrefix", $"Security rule has invalid Address prefix. Value provided: {bad}");
        }
        EnumValue(p, "access", "SecurityRuleAccess", Accesses, name);
        var priority = p["priority"] switch
        {
            null => throw Missing(name, "priority"),
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            var other => throw InvalidPriority(other.ToJsonString()),
        };
        if (priority is < 100 or > 4096)
            throw InvalidPriority(priority.ToString());
        var direction = EnumValue(p, "direction", "SecurityRuleDirection", Directions, name);

        foreach (var (otherName, other) in siblings)
        {
            var op = other["properties"];
            if (op?["priority"] is JsonValue pv && pv.TryGetValue<int>(out var otherPriority) && otherPriority == priority
                && direction.Equals(op.StringAt("direction"), StringComparison.OrdinalIgnoreCase))
                throw ArmErrors.BadRequest("SecurityRuleConflict",
                    $"Security rule {otherName} conflicts with rule {name}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.");
        }

        static ArmException InvalidPriority(string value) => ArmErrors.BadRequest("SecurityRuleInvalidPriority",
            $"Security rule has invalid Priority. Value provided: {value} Allowed range 100-4096.");
    }

    /// <summary>An enum property: required, and one of the values (case-insensitive, as NRP's JSON reader takes them); returns it.</summary>
    private static string EnumValue(JsonObject properties, string property, string typeName, string[] allowed, string rule)
    {
        var value = properties.StringAt(property) ?? throw Missing(rule, property);
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("InvalidRequestFormat",
                $"Cannot parse the request. Error converting value \"{value}\" to type '{typeName}' (allowed: {string.Join(", ", allowed)}). Path 'properties.{property}'.");
        return value;
    }

    private static ArmException Missing(string rule, string property) => ArmErrors.BadRequest("SecurityRuleParameterMissing",
        $"Security rule {rule} is missing the required property '{property}'.");

    /// <summary><c>*</c>, a port (0–65535) or a range <c>a-b</c> with a ≤ b.</summary>
    private static bool IsPortRange(string text)
    {
        if (text == "*")
            return true;
        var parts = text.Split('-');
        if (parts.Length > 2 || parts.Any(x => x.Length is 0 or > 5 || !x.All(char.IsAsciiDigit) || int.Parse(x) > 65535))
            return false;
        return parts.Length == 1 || int.Parse(parts[0]) <= int.Parse(parts[1]);
    }

    /// <summary><c>*</c>, an IPv4 address or CIDR, or a service tag (VirtualNetwork, Internet, Storage.EastUS…).</summary>
    private static bool IsAddressPrefix(string text) =>
        text == "*" || (text.Length > 0 && char.IsAsciiDigit(text[0])
            ? Ipv4.TryParseAddress(text, out _) || Ipv4.TryParsePrefix(text, out _) != PrefixProblem.Format
            : text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'));

    private IEnumerable<ArmResource> SubnetsUsing(ArmResource nsg) =>
        state.Resources.Query(type: SubnetType)
            .Where(s => nsg.Id.Equals(s.Body["properties"]?["networkSecurityGroup"].StringAt("id"), StringComparison.OrdinalIgnoreCase));

    private void FillSecurityGroup(JsonObject json, ArmResource r)
    {
        FillCommon(json, r);
        var properties = json.ObjectAt("properties");
        properties["securityRules"] = new JsonArray([.. state.Resources.Children(r, SecurityRuleType).Select(c => (JsonNode)state.Resources.Render(c))]);
        properties["defaultSecurityRules"] = new JsonArray([.. RenderDefaultRules(r)]);
        var subnets = SubnetsUsing(r).Select(s => (JsonNode)new JsonObject { ["id"] = s.Id }).ToList();
        if (subnets.Count > 0)
            properties["subnets"] = new JsonArray([.. subnets]);
    }

    private static IEnumerable<JsonNode> RenderDefaultRules(ArmResource nsg) => DefaultRules.Select(d => (JsonNode)new JsonObject
    {
        ["name"] = d.Name,
        ["id"] = $"{nsg.Id}/defaultSecurityRules/{d.Name}",
        ["etag"] = nsg.ETag,
        ["type"] = SecurityGroupType + "/defaultSecurityRules",
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["description"] = d.Description,
            ["protocol"] = "*",
            ["sourcePortRange"] = "*",
            ["destinationPortRange"] = "*",
            ["sourceAddressPrefix"] = d.Source,
            ["destinationAddressPrefix"] = d.Destination,
            ["access"] = d.Access,
            ["priority"] = d.Priority,
            ["direction"] = d.Direction,
            ["sourcePortRanges"] = new JsonArray(),
            ["destinationPortRanges"] = new JsonArray(),
            ["sourceAddressPrefixes"] = new JsonArray(),
            ["destinationAddressPrefixes"] = new JsonArray(),
        },
    });
}
