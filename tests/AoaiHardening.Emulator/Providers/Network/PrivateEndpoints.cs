using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// privateEndpoints to Microsoft.CognitiveServices accounts (group id <c>account</c>) and their privateDnsZoneGroups.
/// An endpoint gets the next free address of its subnet and the account's FQDNs; same-tenant auto-approval adds an
/// Approved connection to the account (a manual connection a Pending one); its zone groups write A records into the
/// private DNS zones. Deleting undoes each of those.
/// </summary>
internal sealed partial class NetworkProvider
{
    private const string GroupId = "account";
    private const string ConnectionsProperty = "privateLinkServiceConnections";
    private const string ManualConnectionsProperty = "manualPrivateLinkServiceConnections";

    /// <summary>Azure keeps the first four addresses of every subnet (network, gateway, two for DNS) and the last (broadcast).</summary>
    private const uint ReservedAtStart = 4;

    /// <summary>The TTL of the A records a zone group writes.</summary>
    private const int ZoneGroupRecordTtl = 10;

    private static readonly string[] EndpointReadOnly = ["properties.networkInterfaces", "properties.customDnsConfigs"];

    private static readonly string[] ConnectionReadOnly =
        ["id", "etag", "type", "properties.provisioningState", "properties.privateLinkServiceConnectionState"];

    private void MapPrivateEndpoints(RouteGroupBuilder group)
    {
        var endpoints = group.MapGroup("/privateEndpoints").WithMetadata(Api("privateEndpoints"));
        endpoints.MapGet("", ctx => Reply(ctx, () => List(ctx, PrivateEndpointType, resourceGroup: true)));
        endpoints.MapGet("/{privateEndpointName}", ctx => Reply(ctx, () => Get(Find(ctx, PrivateEndpointType, Route(ctx, "privateEndpointName")))));
        endpoints.MapPut("/{privateEndpointName}", ctx => Reply(ctx, () => PutPrivateEndpoint(ctx)));
        endpoints.MapPatch("/{privateEndpointName}", ctx => Reply(ctx, () => PatchTags(ctx, Find(ctx, PrivateEndpointType, Route(ctx, "privateEndpointName")))));
        endpoints.MapDelete("/{privateEndpointName}", ctx => Reply(ctx, () => DeletePrivateEndpoint(ctx)));

        var zoneGroups = group.MapGroup("/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups").WithMetadata(Api("privateEndpoints/privateDnsZoneGroups"));
        zoneGroups.MapGet("", ctx => Reply(ctx, () => ListChildren(ctx, Endpoint(ctx), ZoneGroupType)));
        zoneGroups.MapGet("/{privateDnsZoneGroupName}", ctx => Reply(ctx, () =>
        {
            var id = $"{Endpoint(ctx).Id}/privateDnsZoneGroups/{Route(ctx, "privateDnsZoneGroupName")}";
            return Get(state.Resources.Find(id, ZoneGroupType) ?? throw ChildNotFound(id));
        }));
        zoneGroups.MapPut("/{privateDnsZoneGroupName}", ctx => Reply(ctx, () => PutZoneGroup(ctx)));
        zoneGroups.MapDelete("/{privateDnsZoneGroupName}", ctx => Reply(ctx, () => DeleteZoneGroup(ctx)));
    }

    private ArmResource Endpoint(HttpContext ctx) => FindParent(ctx, PrivateEndpointType, Route(ctx, "privateEndpointName"));

    /// <summary>
    /// Create (201) or replace (200). Checks, in NRP's order: location, the subnet (exists, same region), exactly one
    /// connection, its target (an existing account, group id <c>account</c>, in state Succeeded, with a custom subdomain);
    /// on replace the subnet and target cannot change; on create a private IP is allocated and the account gets its connection.
    /// </summary>
    private ArmReply PutPrivateEndpoint(HttpContext ctx)
    {
        var name = Route(ctx, "privateEndpointName");
        var id = IdFor(ctx, PrivateEndpointType, name);
        var existing = state.Resources.Find(id, PrivateEndpointType);
        var body = TopLevelBody(ctx, existing, name, EndpointReadOnly);
        var properties = body.ObjectAt("properties");

        var subnetId = properties["subnet"].StringAt("id") ?? throw ArmErrors.BadRequest("InvalidRequestFormat",
            "Cannot parse the request. properties.subnet.id is required.");
        var subnet = state.Resources.Find(subnetId, SubnetType);
        var vnet = subnet is null ? null : state.Resources.Find(subnet.Id[..subnet.Id.LastIndexOf("/subnets/", StringComparison.OrdinalIgnoreCase)], VirtualNetworkType);
        if (subnet is null || vnet is null || ArmLocation.Normalize(vnet.Body.StringAt("location") ?? "") != ArmLocation.Normalize(body.StringAt("location")!))
            throw InvalidReference(subnetId, id);

        var (account, connection, manual) = CheckConnection(properties, name, id);
        if (existing is not null)
        {
            var before = existing.Body["properties"];
            if (!subnet.Id.Equals(before?["subnet"].StringAt("id"), StringComparison.OrdinalIgnoreCase))
                throw PropertyChangeNotAllowed("subnet.id");
            if (!account.Id.Equals(existing.Facts.StringAt("target"), StringComparison.OrdinalIgnoreCase) || manual != existing.Facts["manual"]?.GetValue<bool>())
                throw PropertyChangeNotAllowed("privateLinkServiceConnections.privateLinkServiceId");
        }
        var address = existing?.Facts.StringAt("privateIPAddress") ?? AllocateAddress(subnet, properties, id);

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var resource = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, PrivateEndpointType, name, body);
        resource.Body = body;
        if (existing is null)
            Establish(resource, account, manual, address, connection["properties"].StringAt("requestMessage"));
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, body.StringAt("location")!, existing is null ? 201 : 200);
    }

    /// <summary>
    /// The endpoint's one connection (auto-approved or manual), its read-only fields dropped and its name defaulted to the
    /// endpoint's; and the account it targets, checked the way NRP and the CognitiveServices RP check it.
    /// </summary>
    private (ArmResource Account, JsonObject Connection, bool Manual) CheckConnection(JsonObject properties, string endpointName, string endpointId)
    {
        var auto = (properties[ConnectionsProperty] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var manualList = (properties[ManualConnectionsProperty] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (auto.Count + manualList.Count != 1)
            throw ArmErrors.BadRequest("InvalidPrivateLinkServiceConnectionCount",
                $"Private endpoint {endpointId} must have exactly one connection, in {ConnectionsProperty} or {ManualConnectionsProperty}; it has {auto.Count + manualList.Count}.");
        var manual = manualList.Count == 1;
        var connection = manual ? manualList[0] : auto[0];
        connection.Without(ConnectionReadOnly);
        connection["name"] ??= endpointName;
        var connectionId = $"{endpointId}/{(manual ? ManualConnectionsProperty : ConnectionsProperty)}/{connection.StringAt("name")}";

        var targetId = connection["properties"].StringAt("privateLinkServiceId") ?? throw ArmErrors.BadRequest("InvalidRequestFormat",
            $"Cannot parse the request. properties.privateLinkServiceId of {connectionId} is required.");
        var target = state.Resources.Find(targetId) ?? throw ArmErrors.BadRequest("PrivateLinkServiceNotFound",
            $"Private link service {targetId} referenced by private link service connection {connectionId} was not found.");
        if (!target.Type.Equals(CognitiveServicesProvider.AccountType, StringComparison.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("PrivateLinkServiceTypeNotSupported",
                $"The ARM emulator makes private endpoints to {CognitiveServicesProvider.AccountType} only, not to {target.Type} ({targetId}).");

        var groupIds = Strings(connection["properties"]?["groupIds"]).ToList();
        if (groupIds.Count > 1)
            throw ArmErrors.BadRequest("OnlyOneGroupIdPermitted",
                $"Private link service connection {connectionId} has the following group Ids: {string.Join(", ", groupIds)}. " +
                $"Only one group Id is permitted when connecting to a first-party resource ({target.Id}).");
        if (groupIds.Count == 0 || !groupIds[0].Equals(GroupId, StringComparison.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("InvalidPrivateLinkServiceConnectionGroupId",
                $"Call to {CognitiveServicesProvider.AccountType} failed. Error message: The group id '{string.Join(", ", groupIds)}' is not valid " +
                $"for {target.Id}; its only private link resource is '{GroupId}'.");
        if ((target.ProvisioningState ?? "Succeeded") is var provisioning && provisioning != "Succeeded")
            throw ArmErrors.BadRequest("AccountProvisioningStateInvalid",
                $"Call to {CognitiveServicesProvider.AccountType} failed. Error message: Account {target.Id} in state {provisioning}");
        if (string.IsNullOrWhiteSpace(target.Body["properties"].StringAt("customSubDomainName")))
            throw ArmErrors.BadRequest("BadRequest",
                $"Call to {CognitiveServicesProvider.AccountType} failed. Error message: The account {target.Name} has no custom subdomain name " +
                "(properties.customSubDomainName); a private endpoint needs one.");
        return (target, connection, manual);
    }

    /// <summary>
    /// What a create does beyond storing the endpoint: the NIC and its address, the FQDNs the account answers on, and the
    /// connection on the account (Approved, "Auto-Approved", for an automatic connection; Pending for a manual one).
    /// </summary>
    private void Establish(ArmResource endpoint, ArmResource account, bool manual, string address, string? requestMessage)
    {
        var facts = endpoint.Facts;
        var guid = ResourceGuid(endpoint);
        facts["target"] = account.Id;
        facts["manual"] = manual;
        facts["privateIPAddress"] = address;
        facts["nicName"] = endpoint.Body["properties"].StringAt("customNetworkInterfaceName") ?? $"{endpoint.Name}.nic.{Guid.NewGuid()}";
        facts["ipConfigurationName"] = $"privateEndpointIpConfig.{Guid.NewGuid()}";
        facts["fqdns"] = new JsonArray([.. AccountFqdns(account).Select(f => (JsonNode)f)]);

        if (ConnectionOnAccount(endpoint) is not null)
            return;
        var connectionName = $"{endpoint.Name}.{guid}";
        state.Resources.Add($"{account.Id}/privateEndpointConnections/{connectionName}", account.SubscriptionId, account.ResourceGroup,
            CognitiveServicesProvider.PrivateEndpointConnectionType, $"{account.Name}/{connectionName}", new JsonObject
            {
                ["location"] = account.Body.StringAt("location"),
                ["properties"] = new JsonObject
                {
                    ["privateEndpoint"] = new JsonObject { ["id"] = endpoint.Id },
                    ["privateLinkServiceConnectionState"] = new JsonObject
                    {
                        ["status"] = manual ? "Pending" : "Approved",
                        ["description"] = manual ? requestMessage ?? "" : "Auto-Approved",
                        ["actionsRequired"] = "None",
                    },
                    ["groupIds"] = new JsonArray(GroupId),
                    ["provisioningState"] = "Succeeded",
                },
            });
        account.Touch();
    }

    /// <summary>
    /// The host names a CognitiveServices account answers on through a private endpoint: every kind
    /// <c>{subdomain}.cognitiveservices.azure.com</c>; OpenAI and AIServices also <c>{subdomain}.openai.azure.com</c>;
    /// AIServices also <c>{subdomain}.services.ai.azure.com</c> (Learn: private endpoint DNS zone values).
    /// </summary>
    private static List<string> AccountFqdns(ArmResource account)
    {
        var subdomain = account.Body["properties"].StringAt("customSubDomainName")!.ToLowerInvariant();
        var kind = account.Body.StringAt("kind") ?? "";
        var openAi = kind.Equals("OpenAI", StringComparison.OrdinalIgnoreCase);
        var aiServices = kind.Equals("AIServices", StringComparison.OrdinalIgnoreCase);
        var fqdns = new List<string>();
        if (openAi || aiServices)
            fqdns.Add($"{subdomain}.openai.azure.com");
        fqdns.Add($"{subdomain}.cognitiveservices.azure.com");
        if (aiServices)
            fqdns.Add($"{subdomain}.services.ai.azure.com");
        return fqdns;
    }

    /// <summary>
    /// A static address from <c>ipConfigurations[].properties.privateIPAddress</c> (in the subnet, not reserved, free), else
    /// the first free one after the four Azure reserves.
    /// </summary>
    private string AllocateAddress(ArmResource subnet, JsonObject properties, string endpointId)
    {
        var prefixes = SubnetPrefixes(subnet.Body);
        var used = new Dictionary<uint, ArmResource>();
        foreach (var other in EndpointsIn(subnet).Where(pe => !pe.Id.Equals(endpointId, StringComparison.OrdinalIgnoreCase)))
            if (Ipv4.TryParseAddress(other.Facts.StringAt("privateIPAddress"), out var taken))
                used[taken] = other;

        var requested = (properties["ipConfigurations"] as JsonArray)?.OfType<JsonObject>()
            .Select(c => c["properties"].StringAt("privateIPAddress")).FirstOrDefault(a => a is not null);
        if (requested is not null)
        {
            if (!Ipv4.TryParseAddress(requested, out var address) || prefixes.FirstOrDefault(p => p.Contains(address)) is not { Length: > 0 } prefix)
                throw ArmErrors.BadRequest("PrivateIPAddressNotInSubnet",
                    $"Private static IP address {requested} does not belong to the range of subnet prefix {string.Join(", ", prefixes)}.");
            if (address < prefix.Network + ReservedAtStart || address == prefix.Last)
                throw ArmErrors.BadRequest("PrivateIPAddressInReservedRange",
                    $"Private static IP address {requested} falls within reserved IP range of subnet prefix {prefix}.");
            if (used.TryGetValue(address, out var holder))
                throw ArmErrors.BadRequest("PrivateIPAddressIsAllocated",
                    $"IP configuration {endpointId} is using the private IP address {requested} which is already allocated to resource {IpConfigurationId(holder)}.");
            return requested;
        }
        foreach (var prefix in prefixes)
            for (var candidate = prefix.Network + ReservedAtStart; candidate < prefix.Last; candidate++)
                if (!used.ContainsKey(candidate))
                    return Ipv4.Format(candidate);
        throw ArmErrors.BadRequest("SubnetIsFull",
            $"Subnet {ShortName(subnet)} with address prefix {string.Join(", ", prefixes)} does not have enough capacity for 1 IP addresses.");
    }

    private ArmReply DeletePrivateEndpoint(HttpContext ctx) =>
        state.Resources.Find(IdFor(ctx, PrivateEndpointType, Route(ctx, "privateEndpointName")), PrivateEndpointType) is { } endpoint
            ? StartOperation(ctx, endpoint, OperationKind.Delete, endpoint.Body.StringAt("location") ?? "global", 202)
            : new ArmReply(204);

    /// <summary>When the endpoint is gone (its zone groups, nested, went first): its connection leaves the account.</summary>
    private void OnPrivateEndpointRemoved(ArmResource endpoint)
    {
        if (ConnectionOnAccount(endpoint) is not { } connection)
            return;
        state.Resources.Remove(connection);
        state.Resources.Find(endpoint.Facts.StringAt("target"), CognitiveServicesProvider.AccountType)?.Touch();
    }

    /// <summary>The account's privateEndpointConnection for this endpoint, or null (removed on the account's side, or no account).</summary>
    private ArmResource? ConnectionOnAccount(ArmResource endpoint) =>
        state.Resources.Find(endpoint.Facts.StringAt("target"), CognitiveServicesProvider.AccountType) is { } account
            ? state.Resources.Children(account, CognitiveServicesProvider.PrivateEndpointConnectionType).FirstOrDefault(c =>
                endpoint.Id.Equals(c.Body["properties"]?["privateEndpoint"].StringAt("id"), StringComparison.OrdinalIgnoreCase))
            : null;

    private string NicId(ArmResource endpoint) =>
        $"/subscriptions/{endpoint.SubscriptionId}/resourceGroups/{endpoint.ResourceGroup}/providers/{Namespace}/networkInterfaces/{endpoint.Facts.StringAt("nicName") ?? endpoint.Name + ".nic"}";

    private string IpConfigurationId(ArmResource endpoint) =>
        $"{NicId(endpoint)}/ipConfigurations/{endpoint.Facts.StringAt("ipConfigurationName") ?? "privateEndpointIpConfig"}";

    private static ArmException PropertyChangeNotAllowed(string property) =>
        ArmErrors.BadRequest("PropertyChangeNotAllowed", $"Changing property '{property}' is not allowed.");

    /// <summary>
    /// The example's shape (PrivateEndpointCreate.json): both connection lists with ids, the live connection state as the
    /// account holds it (Disconnected once the account dropped it), the NIC, the DNS configs with the endpoint's address.
    /// </summary>
    private void FillPrivateEndpoint(JsonObject json, ArmResource r)
    {
        FillCommon(json, r);
        var properties = json.ObjectAt("properties");
        var connectionState = ConnectionOnAccount(r)?.Body["properties"]?["privateLinkServiceConnectionState"]?.DeepClone()
            ?? new JsonObject { ["status"] = "Disconnected", ["description"] = "The connection was removed by the private link resource's owner.", ["actionsRequired"] = "None" };
        foreach (var property in new[] { ConnectionsProperty, ManualConnectionsProperty })
        {
            var rendered = new JsonArray();
            foreach (var connection in (properties[property] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var connectionName = connection.StringAt("name") ?? r.Name;
                var connectionProperties = (JsonObject?)connection["properties"]?.DeepClone() ?? new JsonObject();
                connectionProperties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
                connectionProperties["privateLinkServiceConnectionState"] = connectionState.DeepClone();
                rendered.Add(new JsonObject
                {
                    ["name"] = connectionName,
                    ["id"] = $"{r.Id}/{property}/{connectionName}",
                    ["etag"] = r.ETag,
                    ["type"] = $"{PrivateEndpointType}/{property}",
                    ["properties"] = connectionProperties,
                });
            }
            properties[property] = rendered;
        }
        properties["networkInterfaces"] = new JsonArray(new JsonObject { ["id"] = NicId(r) });
        var address = r.Facts.StringAt("privateIPAddress");
        properties["customDnsConfigs"] = new JsonArray([.. Strings(r.Facts["fqdns"]).Select(f => (JsonNode)new JsonObject
        {
            ["fqdn"] = f,
            ["ipAddresses"] = new JsonArray(address),
        })]);
        properties["applicationSecurityGroups"] ??= new JsonArray();
        properties["ipConfigurations"] ??= new JsonArray();
    }

    /// <summary>
    /// Create (201) or replace (200) a zone group: every zone it names must exist. Writes, for each of the endpoint's FQDNs
    /// under a zone's public name (zone <c>privatelink.openai.azure.com</c> ↔ <c>{x}.openai.azure.com</c>), an A record
    /// <c>{x}</c> → the endpoint's address (TTL 10); a replace first removes what the group wrote before.
    /// </summary>
    private ArmReply PutZoneGroup(HttpContext ctx)
    {
        var endpoint = Endpoint(ctx);
        var name = Route(ctx, "privateDnsZoneGroupName");
        var id = $"{endpoint.Id}/privateDnsZoneGroups/{name}";
        var existing = state.Resources.Find(id, ZoneGroupType);
        var body = ChildBody(RequestBody.RequireObject(ctx), ["name"]);
        var configs = body["properties"]?["privateDnsZoneConfigs"] as JsonArray;
        foreach (var config in configs?.OfType<JsonObject>() ?? [])
        {
            var configProperties = config.ObjectAt("properties");
            configProperties.Remove("recordSets");
            var zoneId = configProperties.StringAt("privateDnsZoneId");
            var zone = state.Resources.Find(zoneId, PrivateDnsProvider.ZoneType) ?? throw InvalidReference(zoneId ?? "(no privateDnsZoneId)", id);
            config["name"] ??= zone.Name.Replace('.', '-');
        }

        if (existing is not null)
            RemoveZoneGroupRecords(existing);
        var resource = existing ?? state.Resources.Add(id, endpoint.SubscriptionId, endpoint.ResourceGroup, ZoneGroupType, $"{endpoint.Name}/{name}", body);
        resource.Body = body;
        WriteZoneGroupRecords(resource, endpoint);
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, endpoint.Body.StringAt("location") ?? "global", existing is null ? 201 : 200);
    }

    private ArmReply DeleteZoneGroup(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, PrivateEndpointType, Route(ctx, "privateEndpointName")), PrivateEndpointType) is not { } endpoint
            || state.Resources.Find($"{endpoint.Id}/privateDnsZoneGroups/{Route(ctx, "privateDnsZoneGroupName")}", ZoneGroupType) is not { } zoneGroup)
            return new ArmReply(204);
        return StartOperation(ctx, zoneGroup, OperationKind.Delete, endpoint.Body.StringAt("location") ?? "global", 202);
    }

    private void WriteZoneGroupRecords(ArmResource zoneGroup, ArmResource endpoint)
    {
        var written = new JsonArray();
        var address = endpoint.Facts.StringAt("privateIPAddress");
        foreach (var config in (zoneGroup.Body["properties"]?["privateDnsZoneConfigs"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (address is null || state.Resources.Find(config["properties"].StringAt("privateDnsZoneId"), PrivateDnsProvider.ZoneType) is not { } zone)
                continue;
            var publicName = zone.Name.StartsWith("privatelink.", StringComparison.OrdinalIgnoreCase) ? zone.Name["privatelink.".Length..] : zone.Name;
            foreach (var fqdn in Strings(endpoint.Facts["fqdns"]).Where(f => f.EndsWith("." + publicName, StringComparison.OrdinalIgnoreCase)))
            {
                var relative = fqdn[..^(publicName.Length + 1)].ToLowerInvariant();
                var recordSet = PrivateDnsRecords.AddA(state.Resources, zone, relative, address, ZoneGroupRecordTtl,
                    $"created by private endpoint {endpoint.Name} with resource guid {ResourceGuid(endpoint)}");
                written.Add(new JsonObject
                {
                    ["zoneId"] = zone.Id,
                    ["recordSetId"] = recordSet.Id,
                    ["recordSetName"] = relative,
                    ["fqdn"] = $"{relative}.{zone.Name}",
                    ["ttl"] = recordSet.Body["properties"]?["ttl"]?.DeepClone() ?? ZoneGroupRecordTtl,
                    ["ipAddress"] = address,
                });
            }
        }
        zoneGroup.Facts["records"] = written;
    }

    /// <summary>Takes back the addresses the zone group put in A records (a record set left empty goes).</summary>
    private void RemoveZoneGroupRecords(ArmResource zoneGroup)
    {
        foreach (var record in (zoneGroup.Facts["records"] as JsonArray)?.OfType<JsonObject>() ?? [])
            PrivateDnsRecords.RemoveA(state.Resources, record.StringAt("recordSetId")!, record.StringAt("ipAddress")!);
        zoneGroup.Facts.Remove("records");
    }

    /// <summary>The example's shape (PrivateEndpointDnsZoneGroupCreate.json), each zone config with the record sets it holds.</summary>
    private static void FillZoneGroup(JsonObject json, ArmResource r)
    {
        FillChild(json, r);
        var properties = json.ObjectAt("properties");
        var records = (r.Facts["records"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        foreach (var config in (properties["privateDnsZoneConfigs"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var configProperties = config.ObjectAt("properties");
            var zoneId = configProperties.StringAt("privateDnsZoneId");
            configProperties["recordSets"] = new JsonArray([.. records
                .Where(x => string.Equals(x.StringAt("zoneId"), zoneId, StringComparison.OrdinalIgnoreCase))
                .Select(x => (JsonNode)new JsonObject
                {
                    ["recordType"] = "A",
                    ["recordSetName"] = x.StringAt("recordSetName"),
                    ["fqdn"] = x.StringAt("fqdn"),
                    ["ttl"] = x["ttl"]?.DeepClone(),
                    ["ipAddresses"] = new JsonArray(x.StringAt("ipAddress")),
                    ["provisioningState"] = "Succeeded",
                })]);
        }
        properties["privateDnsZoneConfigs"] ??= new JsonArray();
    }

    /// <summary>
    /// After a scenario load: seeded endpoints get what a create would have given them (address, FQDNs, the account's
    /// connection), and seeded zone groups their records. What cannot be derived (no such subnet or account) is left as seeded.
    /// </summary>
    private void CompleteSeededEndpoints(IReadOnlyList<ArmResource> seeded)
    {
        foreach (var endpoint in seeded.Where(r => r.Type.Equals(PrivateEndpointType, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            try
            {
                var properties = endpoint.Body.ObjectAt("properties");
                var subnet = state.Resources.Find(properties["subnet"].StringAt("id"), SubnetType);
                if (subnet is null)
                    continue;
                var (account, connection, manual) = CheckConnection(properties, endpoint.Name, endpoint.Id);
                Establish(endpoint, account, manual, AllocateAddress(subnet, properties, endpoint.Id), connection["properties"].StringAt("requestMessage"));
            }
            catch (ArmException)
            {
                // Served as seeded: the scenario asked for an endpoint the API would have refused.
            }
        }
        foreach (var zoneGroup in seeded.Where(r => r.Type.Equals(ZoneGroupType, StringComparison.OrdinalIgnoreCase)).ToList())
            if (state.Resources.Find(zoneGroup.Id[..zoneGroup.Id.LastIndexOf("/privateDnsZoneGroups/", StringComparison.OrdinalIgnoreCase)], PrivateEndpointType) is { } endpoint)
                WriteZoneGroupRecords(zoneGroup, endpoint);
    }
}
