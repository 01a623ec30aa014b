using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Network/privateDnsZones (2024-06-01): zones, virtualNetworkLinks and record sets. Zones and links are
/// long-running (201/200 or 202 with Azure-AsyncOperation, Location and Retry-After, polled at the resource group's
/// <c>privateDnsOperationStatuses</c>/<c>privateDnsOperationResults</c>); record sets are synchronous. All three honour
/// If-Match (412 on a mismatch) and If-None-Match: * (412 when the resource exists), the only Network types whose spec
/// declares them. Every zone has its SOA record set from creation on.
/// </summary>
internal sealed partial class PrivateDnsProvider
{
    public const string ZoneType = NetworkProvider.Namespace + "/privateDnsZones";
    public const string LinkType = ZoneType + "/virtualNetworkLinks";

    private static readonly string[] Versions = ["2024-06-01", "2020-06-01"];
    private static readonly string[] RecordTypes = ["A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT"];
    private static readonly string[] ResolutionPolicies = ["Default", "NxDomainRedirect"];

    /// <summary>Azure's limits per zone (Learn: Azure DNS private zone limits).</summary>
    private const int MaxRecordSets = 25000, MaxLinks = 1000, MaxLinksWithRegistration = 100;

    private static readonly string[] ZoneReadOnly =
    [
        "id", "name", "type", "etag", "properties.maxNumberOfRecordSets", "properties.numberOfRecordSets",
        "properties.maxNumberOfVirtualNetworkLinks", "properties.numberOfVirtualNetworkLinks",
        "properties.maxNumberOfVirtualNetworkLinksWithRegistration", "properties.numberOfVirtualNetworkLinksWithRegistration",
        "properties.provisioningState", "properties.internalId",
    ];

    private static readonly string[] LinkReadOnly = ["id", "name", "type", "etag", "properties.provisioningState", "properties.virtualNetworkLinkState"];
    private static readonly string[] RecordSetReadOnly = ["id", "name", "type", "etag", "properties.fqdn", "properties.isAutoRegistered"];

    private readonly EmulatorState state;

    public PrivateDnsProvider(EmulatorState state)
    {
        this.state = state;
        state.Resources.RegisterEtagStyle(ZoneType, EtagStyle.Guid);
        state.Resources.RegisterEtagStyle(LinkType, EtagStyle.Guid);
        state.Resources.RegisterView(ZoneType, FillZone);
        state.Resources.RegisterView(LinkType, FillLink);
        foreach (var recordType in RecordTypes)
        {
            state.Resources.RegisterEtagStyle(RecordSetType(recordType), EtagStyle.Guid);
            state.Resources.RegisterView(RecordSetType(recordType), FillRecordSet);
        }
        state.RegisterAfterLoad(AddMissingSoaRecords);
    }

    public static string RecordSetType(string recordType) => $"{ZoneType}/{recordType}";

    public void Map(IEndpointRouteBuilder routes)
    {
        var api = new ArmApi(NetworkProvider.Namespace, "privateDnsZones", Versions);
        routes.MapGet($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{ZoneType}", ctx => Reply(ctx, () => ListZones(ctx, resourceGroup: false))).WithMetadata(api);

        var group = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{NetworkProvider.Namespace}").WithMetadata(api);
        group.MapGet("/privateDnsOperationStatuses/{operationId}", ctx => Reply(ctx, () => Lro.PollStatus(ctx, state)));
        group.MapGet("/privateDnsOperationResults/{operationId}", ctx => Reply(ctx, () => Lro.PollResult(ctx, state)));

        var zones = group.MapGroup("/privateDnsZones");
        zones.MapGet("", ctx => Reply(ctx, () => ListZones(ctx, resourceGroup: true)));
        zones.MapGet("/{privateZoneName}", ctx => Reply(ctx, () => WithETag(200, FindZone(ctx))));
        zones.MapPut("/{privateZoneName}", ctx => Reply(ctx, () => PutZone(ctx)));
        zones.MapPatch("/{privateZoneName}", ctx => Reply(ctx, () => PatchZone(ctx)));
        zones.MapDelete("/{privateZoneName}", ctx => Reply(ctx, () => DeleteZone(ctx)));

        var links = zones.MapGroup("/{privateZoneName}/virtualNetworkLinks");
        links.MapGet("", ctx => Reply(ctx, () => Page(ctx, state.Resources.Children(ZoneParent(ctx), LinkType))));
        links.MapGet("/{virtualNetworkLinkName}", ctx => Reply(ctx, () => WithETag(200, FindLink(ctx, ZoneParent(ctx)) ?? throw NotFound(ctx, "virtualNetworkLinks", "virtualNetworkLinkName"))));
        links.MapPut("/{virtualNetworkLinkName}", ctx => Reply(ctx, () => PutLink(ctx)));
        links.MapPatch("/{virtualNetworkLinkName}", ctx => Reply(ctx, () => PatchLink(ctx)));
        links.MapDelete("/{virtualNetworkLinkName}", ctx => Reply(ctx, () => DeleteLink(ctx)));

        // After the literal virtualNetworkLinks routes in precedence: {recordType} is a parameter.
        zones.MapGet("/{privateZoneName}/{recordType}", ctx => Reply(ctx, () => ListRecordSets(ctx)));
        zones.MapGet("/{privateZoneName}/{recordType}/{relativeRecordSetName}", ctx => Reply(ctx, () => WithETag(200, FindRecordSet(ctx, ZoneParent(ctx)) ?? throw RecordSetNotFound(ctx))));
        zones.MapPut("/{privateZoneName}/{recordType}/{relativeRecordSetName}", ctx => Reply(ctx, () => PutRecordSet(ctx)));
        zones.MapPatch("/{privateZoneName}/{recordType}/{relativeRecordSetName}", ctx => Reply(ctx, () => PatchRecordSet(ctx)));
        zones.MapDelete("/{privateZoneName}/{recordType}/{relativeRecordSetName}", ctx => Reply(ctx, () => DeleteRecordSet(ctx)));
    }

    private Task Reply(HttpContext ctx, Func<ArmReply> build) => state.ReplyAsync(ctx, build);

    /// <summary>A 200/201 with the resource and its etag also as the ETag header, as the DNS RPs answer.</summary>
    private ArmReply WithETag(int status, ArmResource resource) =>
        new(status, state.Resources.Render(resource), new Dictionary<string, string> { ["ETag"] = resource.ETag });

    private ArmReply Page(HttpContext ctx, IEnumerable<ArmResource> items)
    {
        // $top bounds the page size where the API has it (record sets, zones); nextLink carries on from there.
        var top = int.TryParse(ctx.Request.Query["$top"].ToString(), out var t) && t > 0 ? Math.Min(t, state.Config.PageSize) : state.Config.PageSize;
        return Paging.Page(ctx, items.Select(r => (JsonNode)state.Resources.Render(r)).ToList(), top);
    }

    private ArmReply ListZones(HttpContext ctx, bool resourceGroup) =>
        Page(ctx, state.Resources.Query(Route(ctx, ArmPipeline.SubscriptionId), resourceGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null, ZoneType));

    // ---------------------------------------------------------------- zones

    private ArmReply PutZone(HttpContext ctx)
    {
        var name = Route(ctx, "privateZoneName");
        if (!ZoneName().IsMatch(name))
            throw ArmErrors.BadRequest("BadRequest",
                $"The zone name '{name}' is not valid: a private DNS zone name has at least two labels of letters, digits, '-' and '_' " +
                "(at most 63 characters each, 253 in all).");
        var id = IdFor(ctx, ZoneType, name);
        var existing = state.Resources.Find(id, ZoneType);
        CheckPreconditions(ctx, existing, "Zone", name);
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ZoneReadOnly);
        RequireGlobal(body, ZoneType);

        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        var resource = existing ?? state.Resources.Add(id, subscriptionId, resourceGroup, ZoneType, name, body);
        resource.Body = body;
        if (existing is null)
            AddSoaRecord(resource);
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, existing is null ? 201 : 200, existing is null ? "Creating" : "Updating");
    }

    /// <summary>Merge patch (tags, in practice); If-Match honoured.</summary>
    private ArmReply PatchZone(HttpContext ctx)
    {
        var zone = FindZone(ctx);
        CheckPreconditions(ctx, zone, "Zone", zone.Name, patch: true);
        var patch = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(ZoneReadOnly);
        var body = (JsonObject)zone.Body.DeepClone();
        JsonMerge.Apply(body, patch);
        RequireGlobal(body, ZoneType);
        zone.Body = body;
        return StartOperation(ctx, zone, OperationKind.Update, 200, "Updating");
    }

    /// <summary>Refused while virtual network links exist; the zone's record sets go with it.</summary>
    private ArmReply DeleteZone(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, ZoneType, Route(ctx, "privateZoneName")), ZoneType) is not { } zone)
            return new ArmReply(204);
        CheckPreconditions(ctx, zone, "Zone", zone.Name, patch: true);
        if (state.Resources.Children(zone, LinkType).Any())
            throw ArmErrors.BadRequest("BadRequest",
                $"Cannot delete a Private DNS zone {zone.Name} with virtual network links. Please delete the virtual network links first.");
        return StartOperation(ctx, zone, OperationKind.Delete, 202, "Deleting");
    }

    private void AddSoaRecord(ArmResource zone) =>
        state.Resources.Add($"{zone.Id}/SOA/@", zone.SubscriptionId, zone.ResourceGroup, RecordSetType("SOA"), $"{zone.Name}/@", new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["ttl"] = 3600,
                ["soaRecord"] = new JsonObject
                {
                    ["email"] = "azureprivatedns-host.microsoft.com",
                    ["expireTime"] = 2419200,
                    ["host"] = "azureprivatedns.net",
                    ["minimumTtl"] = 10,
                    ["refreshTime"] = 3600,
                    ["retryTime"] = 300,
                    ["serialNumber"] = 1,
                },
            },
        });

    /// <summary>Seeded zones get the SOA record set a create would have made, unless the scenario seeds one.</summary>
    private void AddMissingSoaRecords(IReadOnlyList<ArmResource> seeded)
    {
        foreach (var zone in seeded.Where(r => r.Type.Equals(ZoneType, StringComparison.OrdinalIgnoreCase)).ToList())
            if (state.Resources.Find($"{zone.Id}/SOA/@", RecordSetType("SOA")) is null)
                AddSoaRecord(zone);
    }

    private void FillZone(JsonObject json, ArmResource r)
    {
        json["location"] = "global";
        var properties = json.ObjectAt("properties");
        var links = state.Resources.Children(r, LinkType).ToList();
        properties["maxNumberOfRecordSets"] = MaxRecordSets;
        properties["numberOfRecordSets"] = state.Resources.Descendants(r).Count(c => !c.Type.Equals(LinkType, StringComparison.OrdinalIgnoreCase));
        properties["maxNumberOfVirtualNetworkLinks"] = MaxLinks;
        properties["numberOfVirtualNetworkLinks"] = links.Count;
        properties["maxNumberOfVirtualNetworkLinksWithRegistration"] = MaxLinksWithRegistration;
        properties["numberOfVirtualNetworkLinksWithRegistration"] = links.Count(RegistrationEnabled);
        properties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
        properties["internalId"] = r.InternalId;
    }

    // ---------------------------------------------------------------- virtual network links

    /// <summary>
    /// Create (201) or replace (200). The network must exist and cannot change; a zone has one link per network (409
    /// Conflict); a network cannot be linked to two zones whose names overlap (one is the other or ends with it); it
    /// resolves through at most one zone with registration enabled.
    /// </summary>
    private ArmReply PutLink(HttpContext ctx)
    {
        var zone = ZoneParent(ctx);
        var name = Route(ctx, "virtualNetworkLinkName");
        var existing = FindLink(ctx, zone);
        CheckPreconditions(ctx, existing, "Virtual network link", name);
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(LinkReadOnly);
        RequireGlobal(body, LinkType);
        var id = existing?.Id ?? $"{zone.Id}/virtualNetworkLinks/{name}";
        CheckLink(zone, id, body, existing);

        var resource = existing ?? state.Resources.Add(id, zone.SubscriptionId, zone.ResourceGroup, LinkType, $"{zone.Name}/{name}", body);
        resource.Body = body;
        return StartOperation(ctx, resource, OperationKind.CreateOrReplace, existing is null ? 201 : 200, existing is null ? "Creating" : "Updating");
    }

    private ArmReply PatchLink(HttpContext ctx)
    {
        var zone = ZoneParent(ctx);
        var link = FindLink(ctx, zone) ?? throw NotFound(ctx, "virtualNetworkLinks", "virtualNetworkLinkName");
        CheckPreconditions(ctx, link, "Virtual network link", ShortName(link), patch: true);
        var body = (JsonObject)link.Body.DeepClone();
        JsonMerge.Apply(body, ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(LinkReadOnly));
        RequireGlobal(body, LinkType);
        CheckLink(zone, link.Id, body, link);
        link.Body = body;
        return StartOperation(ctx, link, OperationKind.Update, 200, "Updating");
    }

    private ArmReply DeleteLink(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, ZoneType, Route(ctx, "privateZoneName")), ZoneType) is not { } zone || FindLink(ctx, zone) is not { } link)
            return new ArmReply(204);
        CheckPreconditions(ctx, link, "Virtual network link", ShortName(link), patch: true);
        return StartOperation(ctx, link, OperationKind.Delete, 202, "Deleting");
    }

    private void CheckLink(ArmResource zone, string linkId, JsonObject body, ArmResource? existing)
    {
        var properties = body.ObjectAt("properties");
        var vnetId = properties["virtualNetwork"].StringAt("id");
        if (state.Resources.Find(vnetId, NetworkProvider.VirtualNetworkType) is not { } vnet)
            throw ArmErrors.BadRequest("BadRequest", $"The virtual network '{vnetId ?? "(properties.virtualNetwork.id missing)"}' does not exist.");
        if (existing is not null && !vnet.Id.Equals(existing.Body["properties"]?["virtualNetwork"].StringAt("id"), StringComparison.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("BadRequest", "The virtual network of an existing virtual network link cannot be changed.");
        if (properties["registrationEnabled"] is { } registration && registration.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
            throw ArmErrors.BadRequest("BadRequest", $"registrationEnabled must be true or false, not {registration.ToJsonString()}.");
        if (properties.StringAt("resolutionPolicy") is { } policy && !ResolutionPolicies.Contains(policy, StringComparer.OrdinalIgnoreCase))
            throw ArmErrors.BadRequest("BadRequest", $"resolutionPolicy '{policy}' is not one of {string.Join(", ", ResolutionPolicies)}.");
        if (properties["resolutionPolicy"] is not null && properties.StringAt("resolutionPolicy") is null)
            throw ArmErrors.BadRequest("BadRequest", $"resolutionPolicy must be one of {string.Join(", ", ResolutionPolicies)}.");

        var others = state.Resources.Query(type: LinkType)
            .Where(l => !l.Id.Equals(linkId, StringComparison.OrdinalIgnoreCase)
                && vnet.Id.Equals(l.Body["properties"]?["virtualNetwork"].StringAt("id"), StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (others.FirstOrDefault(l => l.Id.StartsWith(zone.Id + "/", StringComparison.OrdinalIgnoreCase)) is not null)
            throw new ArmException(409, "Conflict", $"Private zone '{zone.Name}' is already linked to the virtual network '{vnetId}'.");
        foreach (var other in others)
        {
            var otherZone = other.Name[..other.Name.IndexOf('/')];
            if (NamespacesOverlap(zone.Name, otherZone))
                throw ArmErrors.BadRequest("BadRequest",
                    $"A virtual network cannot be linked to multiple zones with overlapping namespaces. You tried to link virtual network with '{zone.Name}' and '{otherZone}' zones.");
        }
        if (properties["registrationEnabled"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && others.FirstOrDefault(RegistrationEnabled) is { } registering)
            throw new ArmException(409, "Conflict",
                $"Virtual network '{vnetId}' is already linked to private zone '{registering.Name[..registering.Name.IndexOf('/')]}' with registration enabled; " +
                "a virtual network can have only one registration zone.");
    }

    private static bool NamespacesOverlap(string a, string b) =>
        a.Equals(b, StringComparison.OrdinalIgnoreCase)
        || a.EndsWith("." + b, StringComparison.OrdinalIgnoreCase)
        || b.EndsWith("." + a, StringComparison.OrdinalIgnoreCase);

    private static bool RegistrationEnabled(ArmResource link) =>
        link.Body["properties"]?["registrationEnabled"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    private static void FillLink(JsonObject json, ArmResource r)
    {
        json["name"] = ShortName(r);
        json["location"] = "global";
        var properties = json.ObjectAt("properties");
        properties["registrationEnabled"] ??= false;
        properties["resolutionPolicy"] ??= "Default";
        var provisioning = r.ProvisioningState ?? "Succeeded";
        properties["virtualNetworkLinkState"] = provisioning == "Succeeded" ? "Completed" : "InProgress";
        properties["provisioningState"] = provisioning;
    }

    private ArmResource? FindLink(HttpContext ctx, ArmResource zone) =>
        state.Resources.Find($"{zone.Id}/virtualNetworkLinks/{Route(ctx, "virtualNetworkLinkName")}", LinkType);

    // ---------------------------------------------------------------- record sets

    private ArmReply ListRecordSets(HttpContext ctx)
    {
        var zone = ZoneParent(ctx);
        var requested = Route(ctx, "recordType");
        if (requested.Equals("ALL", StringComparison.OrdinalIgnoreCase))
            return Page(ctx, state.Resources.Descendants(zone).Where(c => !c.Type.Equals(LinkType, StringComparison.OrdinalIgnoreCase)));
        return Page(ctx, state.Resources.Children(zone, RecordSetType(RecordType(ctx))));
    }

    /// <summary>Create (201) or replace (200), synchronously; the name is stored lower-case, as Azure DNS does.</summary>
    private ArmReply PutRecordSet(HttpContext ctx)
    {
        var zone = ZoneParent(ctx);
        var recordType = RecordType(ctx);
        var relative = RelativeName(ctx);
        var existing = FindRecordSet(ctx, zone);
        CheckPreconditions(ctx, existing, "Record set", relative);
        if (recordType == "SOA" && existing is null)
            throw ArmErrors.BadRequest("BadRequest", "The SOA record set of a zone is named '@'; a zone has exactly one.");
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(RecordSetReadOnly);
        CheckRecords(recordType, relative, body);

        var resource = existing ?? state.Resources.Add($"{zone.Id}/{recordType}/{relative}", zone.SubscriptionId, zone.ResourceGroup,
            RecordSetType(recordType), $"{zone.Name}/{relative}", body);
        resource.Body = body;
        resource.Touch();
        return WithETag(existing is null ? 201 : 200, resource);
    }

    private ArmReply PatchRecordSet(HttpContext ctx)
    {
        var zone = ZoneParent(ctx);
        var recordType = RecordType(ctx);
        var recordSet = FindRecordSet(ctx, zone) ?? throw RecordSetNotFound(ctx);
        CheckPreconditions(ctx, recordSet, "Record set", RelativeName(ctx), patch: true);
        var body = (JsonObject)recordSet.Body.DeepClone();
        JsonMerge.Apply(body, ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(RecordSetReadOnly));
        CheckRecords(recordType, RelativeName(ctx), body);
        recordSet.Body = body;
        recordSet.Touch();
        return WithETag(200, recordSet);
    }

    private ArmReply DeleteRecordSet(HttpContext ctx)
    {
        if (state.Resources.Find(IdFor(ctx, ZoneType, Route(ctx, "privateZoneName")), ZoneType) is not { } zone || FindRecordSet(ctx, zone) is not { } recordSet)
            return new ArmReply(204);
        CheckPreconditions(ctx, recordSet, "Record set", RelativeName(ctx), patch: true);
        if (RecordType(ctx) == "SOA")
            throw ArmErrors.BadRequest("BadRequest", "The SOA record set cannot be deleted; it goes with the zone.");
        state.Resources.Remove(recordSet);
        return new ArmReply(200);
    }

    /// <summary>The record data must be what the type holds: A records need IPv4 addresses, AAAA records IPv6 ones.</summary>
    private static void CheckRecords(string recordType, string relative, JsonObject body)
    {
        var properties = body["properties"] as JsonObject;
        foreach (var (list, field, family) in new[] { ("aRecords", "ipv4Address", AddressFamily.InterNetwork), ("aaaaRecords", "ipv6Address", AddressFamily.InterNetworkV6) })
        {
            if (properties?[list] is not JsonArray records)
                continue;
            if (!recordType.Equals(list[..^"Records".Length], StringComparison.OrdinalIgnoreCase))
                throw ArmErrors.BadRequest("BadRequest", $"A record set of type {recordType} cannot hold {list}.");
            foreach (var record in records)
            {
                var address = record.StringAt(field);
                var valid = family == AddressFamily.InterNetwork
                    ? Ipv4.TryParseAddress(address, out _)
                    : IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == family;
                if (!valid)
                    throw ArmErrors.BadRequest("BadRequest", $"The record set {relative} has an invalid {field} '{address}'.");
            }
        }
    }

    /// <summary>The example's shape (RecordSetAPut.json): lower-case name, fqdn with the trailing dot, isAutoRegistered.</summary>
    private static void FillRecordSet(JsonObject json, ArmResource r)
    {
        var slash = r.Name.IndexOf('/');
        var relative = r.Name[(slash + 1)..];
        json["name"] = relative;
        var properties = json.ObjectAt("properties");
        properties["fqdn"] = relative == "@" ? $"{r.Name[..slash]}." : $"{relative}.{r.Name[..slash]}.";
        properties["isAutoRegistered"] = false;
    }

    private ArmResource? FindRecordSet(HttpContext ctx, ArmResource zone) =>
        state.Resources.Find($"{zone.Id}/{RecordType(ctx)}/{RelativeName(ctx)}", RecordSetType(RecordType(ctx)));

    /// <summary>The route's record type in Azure's spelling (upper case); anything else is not a type the RP has.</summary>
    private static string RecordType(HttpContext ctx)
    {
        var requested = Route(ctx, "recordType");
        return RecordTypes.FirstOrDefault(t => t.Equals(requested, StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.InvalidResourceType($"privateDnsZones/{requested}", NetworkProvider.Namespace, ctx.Request.Query["api-version"].FirstOrDefault());
    }

    /// <summary>The route's record set name, lower-cased; '@' (the apex) or DNS labels, a leading '*' allowed.</summary>
    private static string RelativeName(HttpContext ctx)
    {
        var name = Route(ctx, "relativeRecordSetName").ToLowerInvariant();
        if (name != "@" && !RecordName().IsMatch(name))
            throw ArmErrors.BadRequest("BadRequest", $"The record set name '{name}' is not valid.");
        return name;
    }

    private ArmException RecordSetNotFound(HttpContext ctx) => new(404, "NotFound",
        $"The resource record '{Route(ctx, "relativeRecordSetName")}' does not exist in resource group '{Route(ctx, ArmPipeline.ResourceGroupName)}' " +
        $"of subscription '{Route(ctx, ArmPipeline.SubscriptionId)}'.");

    // ---------------------------------------------------------------- shared

    /// <summary>
    /// If-Match (a listed etag or <c>*</c>; 412 when the resource is absent or differs) and, except on PATCH/DELETE,
    /// If-None-Match: * (412 when the resource exists). Etags compare without quotes and W/.
    /// </summary>
    private static void CheckPreconditions(HttpContext ctx, ArmResource? existing, string what, string name, bool patch = false)
    {
        var ifMatch = ctx.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length > 0 && (existing is null || !Matches(ifMatch, existing.ETag)))
            throw new ArmException(412, "PreconditionFailed", existing is null
                ? $"The {what} {name} does not exist, so the If-Match condition cannot be met."
                : $"The {what} {name} has been modified (etag mismatch).");
        var ifNoneMatch = ctx.Request.Headers.IfNoneMatch.ToString();
        if (!patch && ifNoneMatch.Length > 0 && existing is not null && Matches(ifNoneMatch, existing.ETag))
            throw new ArmException(412, "PreconditionFailed", $"The {what} {name} exists already and hence cannot be created again.");

        static bool Matches(string header, string etag) =>
            header.Split(',').Select(Bare).Any(v => v == "*" || v.Equals(Bare(etag), StringComparison.OrdinalIgnoreCase));

        static string Bare(string tag)
        {
            tag = tag.Trim();
            return (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag).Trim('"');
        }
    }

    /// <summary>Zones and links live in 'global' only (Global accepted; stored and shown lower-case).</summary>
    private static void RequireGlobal(JsonObject body, string type)
    {
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.LocationRequired();
        if (!location.Equals("global", StringComparison.OrdinalIgnoreCase))
            throw ArmErrors.LocationNotAvailableForResourceType(location, type, "global");
        body["location"] = "global";
    }

    private ArmReply StartOperation(HttpContext ctx, ArmResource resource, OperationKind kind, int status, string runningState)
    {
        var op = state.Operations.Start(state.Resources, resource, kind, OperationUrls.PrivateDns(resource.SubscriptionId, resource.ResourceGroup),
            state.Config.LroPolls, ArmPipeline.TakeOperationFault(ctx, state), runningState);
        var delete = kind == OperationKind.Delete;
        return Lro.Answer(ctx, state, op, status, withBody: !delete, LroHeaders.Both, syncStatus: delete ? 200 : status);
    }


    private string IdFor(HttpContext ctx, string type, string name)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return ResourceIds.For(subscriptionId, resourceGroup, type, name);
    }

    private ArmResource FindZone(HttpContext ctx) =>
        state.Resources.Find(IdFor(ctx, ZoneType, Route(ctx, "privateZoneName")), ZoneType)
        ?? throw ArmErrors.ResourceNotFound($"{ZoneType}/{Route(ctx, "privateZoneName")}", Route(ctx, ArmPipeline.ResourceGroupName));

    private ArmResource ZoneParent(HttpContext ctx) =>
        state.Resources.Find(IdFor(ctx, ZoneType, Route(ctx, "privateZoneName")), ZoneType)
        ?? throw ArmErrors.ParentResourceNotFound($"{ZoneType}/{Route(ctx, "privateZoneName")}");

    private static ArmException NotFound(HttpContext ctx, string collection, string routeName) => ArmErrors.ResourceNotFound(
        $"{ZoneType}/{Route(ctx, "privateZoneName")}/{collection}/{Route(ctx, routeName)}", Route(ctx, ArmPipeline.ResourceGroupName));

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    private static string ShortName(ArmResource r) => r.Name[(r.Name.LastIndexOf('/') + 1)..];

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)+[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")]
    private static partial Regex ZoneName();

    [GeneratedRegex(@"^(?=.{1,253}$)(\*|[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$")]
    private static partial Regex RecordName();
}

/// <summary>
/// A records written on behalf of another resource (a private endpoint's zone group): add an address to a record set,
/// creating it; take one back, deleting the set when it is left empty.
/// </summary>
internal static class PrivateDnsRecords
{
    public static ArmResource AddA(ResourceStore store, ArmResource zone, string relativeName, string address, int ttl, string creator)
    {
        var type = PrivateDnsProvider.RecordSetType("A");
        var name = relativeName.ToLowerInvariant();
        var recordSet = store.Find($"{zone.Id}/A/{name}", type) ?? store.Add($"{zone.Id}/A/{name}", zone.SubscriptionId, zone.ResourceGroup, type,
            $"{zone.Name}/{name}", new JsonObject
            {
                ["properties"] = new JsonObject { ["metadata"] = new JsonObject { ["creator"] = creator }, ["ttl"] = ttl, ["aRecords"] = new JsonArray() },
            });
        var properties = recordSet.Body.ObjectAt("properties");
        if (properties["aRecords"] is not JsonArray records)
            properties["aRecords"] = records = new JsonArray();
        if (!records.Any(r => r.StringAt("ipv4Address") == address))
            records.Add(new JsonObject { ["ipv4Address"] = address });
        recordSet.Touch();
        return recordSet;
    }

    public static void RemoveA(ResourceStore store, string recordSetId, string address)
    {
        if (store.Find(recordSetId, PrivateDnsProvider.RecordSetType("A")) is not { } recordSet)
            return;
        var records = recordSet.Body["properties"]?["aRecords"] as JsonArray;
        foreach (var record in records?.Where(r => r.StringAt("ipv4Address") == address).ToList() ?? [])
            records!.Remove(record);
        if (records is null || records.Count == 0)
            store.Remove(recordSet);
        else
            recordSet.Touch();
    }
}
