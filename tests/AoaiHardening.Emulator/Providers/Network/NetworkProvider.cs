using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Microsoft.Network (2025-07-01): virtual networks and subnets, network security groups and rules, private endpoints
/// and their private DNS zone groups. Writes are long-running the Network way: PUT 201/200 with Azure-AsyncOperation
/// (final state via that status, <c>…/locations/{loc}/operations/{id}</c>), DELETE 202 with Location
/// (<c>…/operationResults/{id}</c>) too; provisioningState is Updating/Deleting until the operation completes.
/// Child resources (subnets, rules, zone groups) are stored as resources of their own, so the parent's inline list and
/// the child routes always show the same thing. One file per resource family: VirtualNetworks, SecurityGroups, PrivateEndpoints.
/// </summary>
internal sealed partial class NetworkProvider
{
    public const string Namespace = "Microsoft.Network";
    public const string VirtualNetworkType = Namespace + "/virtualNetworks";
    public const string SubnetType = VirtualNetworkType + "/subnets";
    public const string SecurityGroupType = Namespace + "/networkSecurityGroups";
    public const string SecurityRuleType = SecurityGroupType + "/securityRules";
    public const string PrivateEndpointType = Namespace + "/privateEndpoints";
    public const string ZoneGroupType = PrivateEndpointType + "/privateDnsZoneGroups";

    private static readonly string[] Versions = ["2025-07-01", "2025-05-01"];

    /// <summary>Fields every Network resource owns on the server side; a client echoing them back changes nothing.</summary>
    private static readonly string[] CommonReadOnly = ["id", "name", "type", "etag", "properties.provisioningState", "properties.resourceGuid"];

    private readonly EmulatorState state;

    public NetworkProvider(EmulatorState state)
    {
        this.state = state;
        foreach (var type in new[] { VirtualNetworkType, SubnetType, SecurityGroupType, SecurityRuleType, PrivateEndpointType, ZoneGroupType })
            state.Resources.RegisterEtagStyle(type, EtagStyle.WeakGuid);
        state.Resources.RegisterView(VirtualNetworkType, FillVirtualNetwork);
        state.Resources.RegisterView(SubnetType, FillSubnet);
        state.Resources.RegisterView(SecurityGroupType, FillSecurityGroup);
        state.Resources.RegisterView(SecurityRuleType, FillChild);
        state.Resources.RegisterView(PrivateEndpointType, FillPrivateEndpoint);
        state.Resources.RegisterView(ZoneGroupType, FillZoneGroup);
        state.Resources.RegisterRemoveHook(PrivateEndpointType, OnPrivateEndpointRemoved);
        state.Resources.RegisterRemoveHook(ZoneGroupType, RemoveZoneGroupRecords);
        state.RegisterSeedExpander(VirtualNetworkType, seed => ExpandInline(seed, "subnets", SubnetType));
        state.RegisterSeedExpander(SecurityGroupType, seed => ExpandInline(seed, "securityRules", SecurityRuleType, dropAlso: ["defaultSecurityRules", "subnets"]));
        state.RegisterAfterLoad(CompleteSeededEndpoints);
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var subscription = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/providers/{Namespace}");
        subscription.MapGet("/virtualNetworks", ctx => Reply(ctx, () => List(ctx, VirtualNetworkType, resourceGroup: false))).WithMetadata(Api("virtualNetworks"));
        subscription.MapGet("/networkSecurityGroups", ctx => Reply(ctx, () => List(ctx, SecurityGroupType, resourceGroup: false))).WithMetadata(Api("networkSecurityGroups"));
        subscription.MapGet("/privateEndpoints", ctx => Reply(ctx, () => List(ctx, PrivateEndpointType, resourceGroup: false))).WithMetadata(Api("privateEndpoints"));
        subscription.MapGet("/locations/{location}/operations/{operationId}", ctx => Reply(ctx, () => Lro.PollStatus(ctx, state))).WithMetadata(Api("locations"));
        subscription.MapGet("/locations/{location}/operationResults/{operationId}", ctx => Reply(ctx, () => Lro.PollResult(ctx, state))).WithMetadata(Api("locations"));

        var group = routes.MapGroup($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{Namespace}");
        MapVirtualNetworks(group);
        MapSecurityGroups(group);
        MapPrivateEndpoints(group);
    }

    private static ArmApi Api(string resourceType) => new(Namespace, resourceType, Versions);

    private Task Reply(HttpContext ctx, Func<ArmReply> build) => state.ReplyAsync(ctx, build);

    private ArmReply List(HttpContext ctx, string type, bool resourceGroup)
    {
        var subscriptionId = Route(ctx, ArmPipeline.SubscriptionId);
        var group = resourceGroup ? Route(ctx, ArmPipeline.ResourceGroupName) : null;
        var items = state.Resources.Query(subscriptionId, group, type).Select(r => (JsonNode)state.Resources.Render(r)).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize);
    }

    private ArmReply ListChildren(HttpContext ctx, ArmResource parent, string childType) =>
        Paging.Page(ctx, state.Resources.Children(parent, childType).Select(r => (JsonNode)state.Resources.Render(r)).ToList(), state.Config.PageSize);

    private ArmReply Get(ArmResource resource) => new(200, state.Resources.Render(resource));

    /// <summary>PATCH on a top-level Network resource is updateTags: only <c>tags</c> change, synchronously (200).</summary>
    private ArmReply PatchTags(HttpContext ctx, ArmResource resource)
    {
        var patch = RequestBody.RequireObject(ctx);
        if (patch["tags"] is JsonObject tags)
            resource.Body["tags"] = tags.DeepClone();
        else if (patch.ContainsKey("tags"))
            resource.Body.Remove("tags");
        resource.Touch();
        return Get(resource);
    }

    /// <summary>
    /// Starts the write's operation and answers it the Network way: PUT 201/200 with Azure-AsyncOperation, DELETE 202 with
    /// Location and Azure-AsyncOperation; status polled at <c>…/Microsoft.Network/locations/{location}/operations/{id}</c>.
    /// </summary>
    private ArmReply StartOperation(HttpContext ctx, ArmResource resource, OperationKind kind, string location, int status)
    {
        var delete = kind == OperationKind.Delete;
        var op = state.Operations.Start(state.Resources, resource, kind,
            OperationUrls.Network(resource.SubscriptionId, ArmLocation.Normalize(location)), state.Config.LroPolls,
            ArmPipeline.TakeOperationFault(ctx, state), runningState: delete ? "Deleting" : "Updating");
        return Lro.Answer(ctx, state, op, status, withBody: !delete,
            both: delete ? LroHeaders.Both : LroHeaders.AsyncOperation, syncStatus: delete ? 200 : status);
    }


    /// <summary>The id a resource of <paramref name="type"/> named by the route would have (names joined by '/').</summary>
    private string IdFor(HttpContext ctx, string type, params string[] names)
    {
        var (subscriptionId, resourceGroup) = ArmPipeline.Scope(ctx, state);
        return ResourceIds.For(subscriptionId, resourceGroup, type, string.Join('/', names));
    }

    /// <summary>A top-level resource, or ARM's 404 ResourceNotFound.</summary>
    private ArmResource Find(HttpContext ctx, string type, string name) =>
        state.Resources.Find(IdFor(ctx, type, name), type)
        ?? throw ArmErrors.ResourceNotFound($"{type}/{name}", Route(ctx, ArmPipeline.ResourceGroupName));

    /// <summary>The parent of a nested route, or ARM's 404 ParentResourceNotFound.</summary>
    private ArmResource FindParent(HttpContext ctx, string type, string name) =>
        state.Resources.Find(IdFor(ctx, type, name), type) ?? throw ArmErrors.ParentResourceNotFound($"{type}/{name}");

    /// <summary>A missing child of an existing Network resource: the RP's own 404, which names the id.</summary>
    private static ArmException ChildNotFound(string id) => new(404, "NotFound", $"Resource {id} not found.");

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    /// <summary>The last segment of an id: a child's name as ARM renders it ("snet-a", not "vnet/snet-a").</summary>
    private static string ShortName(ArmResource r) => r.Name[(r.Name.LastIndexOf('/') + 1)..];

    /// <summary>Views of child types: their name is the last segment, and provisioningState is always shown.</summary>
    private static void FillChild(JsonObject json, ArmResource r)
    {
        json["name"] = ShortName(r);
        json.ObjectAt("properties")["provisioningState"] = r.ProvisioningState ?? "Succeeded";
    }

    private static void FillCommon(JsonObject json, ArmResource r)
    {
        var properties = json.ObjectAt("properties");
        properties["provisioningState"] = r.ProvisioningState ?? "Succeeded";
        properties["resourceGuid"] = ResourceGuid(r);
    }

    /// <summary>A stable GUID per resource, as Network resources carry (<c>resourceGuid</c>).</summary>
    private static string ResourceGuid(ArmResource r) =>
        r.Facts.StringAt("resourceGuid") ?? (string)(r.Facts["resourceGuid"] = Guid.NewGuid().ToString())!;

    /// <summary>
    /// The body a PUT stores: a copy without the read-only fields; the location is required and cannot change.
    /// </summary>
    private static JsonObject TopLevelBody(HttpContext ctx, ArmResource? existing, string name, IEnumerable<string> readOnly)
    {
        var body = ((JsonObject)RequestBody.RequireObject(ctx).DeepClone()).Without(CommonReadOnly.Concat(readOnly));
        var location = body.StringAt("location");
        if (string.IsNullOrWhiteSpace(location))
            throw ArmErrors.LocationRequired();
        if (existing is not null && ArmLocation.Normalize(existing.Body.StringAt("location") ?? "") is var current && current != ArmLocation.Normalize(location))
            throw ArmErrors.InvalidResourceLocation(name, existing.ResourceGroup, current, ArmLocation.Normalize(location));
        return body;
    }

    /// <summary>A child's body from a PUT (or an item of the parent's inline list): no read-only fields, no name.</summary>
    private static JsonObject ChildBody(JsonObject item, IEnumerable<string> readOnly) =>
        ((JsonObject)item.DeepClone()).Without(CommonReadOnly.Concat(readOnly));

    /// <summary>
    /// Validates the inline child list of a parent PUT: objects with distinct names (ARM: DuplicateResourceName).
    /// The list replaces the parent's children, as in ARM: a PUT without it removes them all.
    /// </summary>
    private static List<(string Name, JsonObject Item)> InlineChildren(JsonObject parentBody, string property, string parentId)
    {
        var list = new List<(string, JsonObject)>();
        if (parentBody["properties"] is not JsonObject properties || properties[property] is not JsonArray items)
            return list;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in items)
        {
            var name = (node as JsonObject).StringAt("name");
            if (string.IsNullOrWhiteSpace(name))
                throw ArmErrors.BadRequest("InvalidRequestFormat", $"Cannot parse the request. Every item of properties.{property} needs a name.");
            if (!names.Add(name))
                throw ArmErrors.BadRequest("DuplicateResourceName", $"Resource {parentId} has two child resources with the same name ({name}).");
            list.Add((name, (JsonObject)node!));
        }
        properties.Remove(property);
        return list;
    }

    /// <summary>Replaces a parent's children of one type with <paramref name="wanted"/> (created, replaced or removed).</summary>
    private void ReplaceChildren(ArmResource parent, string childType, IEnumerable<(string Name, JsonObject Body)> wanted)
    {
        var current = state.Resources.Children(parent, childType).ToDictionary(c => ShortName(c), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, body) in wanted)
        {
            if (current.Remove(name, out var child))
                child.Body = body;
            else
                child = state.Resources.Add($"{parent.Id}/{childType.Split('/')[^1]}/{name}", parent.SubscriptionId, parent.ResourceGroup,
                    childType, $"{parent.Name}/{name}", body);
            child.ProvisioningState = "Succeeded";
            child.Touch();
        }
        foreach (var gone in current.Values)
            state.Resources.Remove(gone);
    }

    /// <summary>Seeding: a parent's inline children become resources of their own, as a PUT would store them.</summary>
    private static IEnumerable<SeedResource> ExpandInline(SeedResource seed, string property, string childType, string[]? dropAlso = null)
    {
        var body = (JsonObject)seed.Body.DeepClone();
        var children = new List<SeedResource>();
        if (body["properties"] is JsonObject properties)
        {
            if (properties[property] is JsonArray items)
                foreach (var item in items)
                {
                    var name = (item as JsonObject).StringAt("name")
                        ?? throw new ScenarioException($"An item of properties.{property} of '{seed.Id}' has no \"name\".");
                    var childBody = ((JsonObject)item!.DeepClone()).Without(["id", "type", "etag"]);
                    childBody["type"] = childType;
                    childBody["name"] = $"{seed.Name}/{name}";
                    children.Add(new SeedResource($"{seed.Id}/{childType.Split('/')[^1]}/{name}", seed.SubscriptionId, seed.ResourceGroup,
                        childType, $"{seed.Name}/{name}", childBody));
                }
            properties.Remove(property);
            foreach (var drop in dropAlso ?? [])
                properties.Remove(drop);
        }
        return children.Prepend(seed with { Body = body });
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : [];

    /// <summary>The error NRP gives when a resource names another that does not exist (or sits in another region).</summary>
    private static ArmException InvalidReference(string referenced, string by) => ArmErrors.BadRequest("InvalidResourceReference",
        $"Resource {referenced} referenced by resource {by} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.");
}
