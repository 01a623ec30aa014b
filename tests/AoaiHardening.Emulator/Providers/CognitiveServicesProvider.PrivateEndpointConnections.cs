using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// An account's privateEndpointConnections: made by Microsoft.Network when a private endpoint targets the account
/// (see NetworkProvider), read, approved/rejected and removed here. Stored as child resources, shown in the account's
/// read-only <c>properties.privateEndpointConnections</c> too.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    public const string PrivateEndpointConnectionType = AccountType + "/privateEndpointConnections";

    private static readonly string[] ConnectionStatuses = ["Pending", "Approved", "Rejected"];

    private void RegisterPrivateEndpointConnections()
    {
        state.Resources.RegisterView(PrivateEndpointConnectionType, FillConnection);
        state.RegisterSeedExpander(AccountType, ExpandSeededConnections);
    }

    private void MapPrivateEndpointConnections(RouteGroupBuilder accounts)
    {
        // Not pageable: {value:[…]} without nextLink.
        accounts.MapGet("/{accountName}/privateEndpointConnections", ctx => state.ReplyAsync(ctx, () => new ArmReply(200, new JsonObject
        {
            ["value"] = new JsonArray([.. Connections(Find(ctx)).Select(c => (JsonNode)state.Resources.Render(c))]),
        })));
        accounts.MapGet("/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
            ctx => state.ReplyAsync(ctx, () => new ArmReply(200, state.Resources.Render(FindConnection(ctx)))));
        accounts.MapPut("/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}", ctx => state.ReplyAsync(ctx, () => PutConnection(ctx)));
        accounts.MapDelete("/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}", ctx => state.ReplyAsync(ctx, () =>
            TryFindConnection(ctx) is { } connection
                ? StartOperation(ctx, connection, OperationKind.Delete, acceptedStatus: 202, withBody: false)
                : new ArmReply(204)));
    }

    /// <summary>
    /// The account owner's side of the handshake: set the state (Pending, Approved, Rejected) of an existing connection.
    /// Connections are made by creating a private endpoint, never here.
    /// </summary>
    private ArmReply PutConnection(HttpContext ctx)
    {
        var connection = FindConnection(ctx);
        var requested = RequestBody.RequireObject(ctx)["properties"]?["privateLinkServiceConnectionState"] as JsonObject
            ?? throw ArmErrors.BadRequest("BadRequest", "properties.privateLinkServiceConnectionState is required.");
        var status = ConnectionStatuses.FirstOrDefault(s => s.Equals(requested.StringAt("status"), StringComparison.OrdinalIgnoreCase))
            ?? throw ArmErrors.BadRequest("BadRequest",
                $"privateLinkServiceConnectionState.status '{requested.StringAt("status")}' is not one of {string.Join(", ", ConnectionStatuses)}.");
        connection.Body.ObjectAt("properties")["privateLinkServiceConnectionState"] = new JsonObject
        {
            ["status"] = status,
            ["description"] = requested.StringAt("description") ?? "",
            ["actionsRequired"] = requested.StringAt("actionsRequired") ?? "None",
        };
        connection.Touch();
        return new ArmReply(200, state.Resources.Render(connection));
    }

    private IEnumerable<ArmResource> Connections(ArmResource account) => state.Resources.Children(account, PrivateEndpointConnectionType);

    private ArmResource? TryFindConnection(HttpContext ctx) => TryFind(ctx) is { } account
        ? state.Resources.Find($"{account.Id}/privateEndpointConnections/{ctx.GetRouteValue("privateEndpointConnectionName")}", PrivateEndpointConnectionType)
        : null;

    private ArmResource FindConnection(HttpContext ctx)
    {
        var account = Find(ctx);
        var name = (string)ctx.GetRouteValue("privateEndpointConnectionName")!;
        return state.Resources.Find($"{account.Id}/privateEndpointConnections/{name}", PrivateEndpointConnectionType)
            ?? throw ArmErrors.ResourceNotFound($"{AccountType}/{account.Name}/privateEndpointConnections/{name}", account.ResourceGroup);
    }

    /// <summary>The account's read-only list, when it has connections (GetAccount.json shows none for an account without).</summary>
    private void FillPrivateEndpointConnections(JsonObject properties, ArmResource account)
    {
        var connections = Connections(account).Select(c => (JsonNode)state.Resources.Render(c)).ToList();
        if (connections.Count > 0)
            properties["privateEndpointConnections"] = new JsonArray([.. connections]);
    }

    private static void FillConnection(JsonObject json, ArmResource r)
    {
        json["name"] = r.Name[(r.Name.LastIndexOf('/') + 1)..];
        json.ObjectAt("properties")["provisioningState"] = r.ProvisioningState ?? "Succeeded";
    }

    /// <summary>Seeding: connections written inline in an account become connection resources, as if endpoints had made them.</summary>
    private static IEnumerable<SeedResource> ExpandSeededConnections(SeedResource seed)
    {
        if (seed.Body["properties"]?["privateEndpointConnections"] is not JsonArray inline)
            return [seed];
        var body = (JsonObject)seed.Body.DeepClone();
        body.ObjectAt("properties").Remove("privateEndpointConnections");
        var children = inline.OfType<JsonObject>().Select((item, i) =>
        {
            var name = item.StringAt("name") ?? item.StringAt("id")?.Split('/')[^1] ?? $"connection-{i + 1}";
            var childBody = ((JsonObject)item.DeepClone()).Without(["id", "etag"]);
            childBody["type"] = PrivateEndpointConnectionType;
            childBody["name"] = $"{seed.Name}/{name}";
            return new SeedResource($"{seed.Id}/privateEndpointConnections/{name}", seed.SubscriptionId, seed.ResourceGroup,
                PrivateEndpointConnectionType, $"{seed.Name}/{name}", childBody);
        });
        return children.Prepend(seed with { Body = body }).ToList();
    }
}
