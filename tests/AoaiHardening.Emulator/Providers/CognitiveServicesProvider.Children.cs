using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// What the account's content-safety children (deployments, raiPolicies, raiBlocklists and their items) share: they are
/// child resources in the store (so deleting the parent deletes them and /_emulator/resources lists them), carry a quoted
/// GUID etag renewed on every write, render their own name (the last segment, as the examples show) and poll their
/// operations at the account's CognitiveServices operation URLs.
/// </summary>
internal sealed partial class CognitiveServicesProvider
{
    /// <summary>Server-owned fields every child drops from a client's body.</summary>
    private static readonly string[] ChildReadOnlyPaths = ["id", "name", "type", "etag", "systemData"];

    private void RegisterChild(string type, Action<JsonObject, ArmResource>? fill = null)
    {
        state.Resources.RegisterEtagStyle(type, EtagStyle.QuotedGuid);
        state.Resources.RegisterView(type, (json, r) =>
        {
            json["name"] = ShortName(r);
            fill?.Invoke(json, r);
        });
    }

    private static string ShortName(ArmResource r) => r.Name[(r.Name.LastIndexOf('/') + 1)..];

    private static string Route(HttpContext ctx, string name) => (string)ctx.GetRouteValue(name)!;

    private ArmResource? TryFindChild(ArmResource parent, string segment, string name, string type) =>
        state.Resources.Find($"{parent.Id}/{segment}/{name}", type);

    private ArmResource FindChild(ArmResource parent, string segment, string name, string type) =>
        TryFindChild(parent, segment, name, type) ?? throw ChildNotFound(parent, segment, name);

    /// <summary>ARM's 404 for a nested resource names it as type/name pairs after <c>/providers/</c>.</summary>
    private static ArmException ChildNotFound(ArmResource parent, string segment, string name)
    {
        var id = $"{parent.Id}/{segment}/{name}";
        var at = id.LastIndexOf("/providers/", StringComparison.OrdinalIgnoreCase);
        return ArmErrors.ResourceNotFound(id[(at + "/providers/".Length)..], parent.ResourceGroup);
    }

    /// <summary>Creates the child or replaces its body (a synchronous write); true when it was created.</summary>
    private (ArmResource Resource, bool Created) Upsert(ArmResource parent, string segment, string type, string name, JsonObject body)
    {
        if (TryFindChild(parent, segment, name, type) is { } existing)
        {
            existing.Body = body;
            // A synchronous write settles the resource: an earlier delete still polling must not remove it now.
            existing.CurrentOperationId = null;
            existing.ProvisioningState = null;
            existing.Touch();
            return (existing, false);
        }
        var created = state.Resources.Add($"{parent.Id}/{segment}/{name}", parent.SubscriptionId, parent.ResourceGroup, type, $"{parent.Name}/{name}", body);
        return (created, true);
    }

    private ArmReply ListChildren(HttpContext ctx, ArmResource parent, string type, IEnumerable<JsonNode>? before = null)
    {
        var items = (before ?? []).Concat(state.Resources.Children(parent, type).Select(c => (JsonNode)state.Resources.Render(c))).ToList();
        return Paging.Page(ctx, items, state.Config.PageSize);
    }

    /// <summary>
    /// Starts a child's operation, polled at the account's location, and answers in the configured style.
    /// <paramref name="headers"/> is what the operation's final-state-via asks for in the default style.
    /// </summary>
    private ArmReply StartChildOperation(HttpContext ctx, ArmResource account, ArmResource child, OperationKind kind, int acceptedStatus,
        bool withBody, LroHeaders headers, string? runningState = null, int syncStatus = 200)
    {
        var location = Normalize(account.Body.StringAt("location") ?? "global");
        var op = state.Operations.Start(state.Resources, child, kind, OperationUrls.CognitiveServices(child.SubscriptionId, location),
            state.Config.LroPolls, ArmPipeline.TakeOperationFault(ctx, state), runningState);
        return Lro.Answer(ctx, state, op, acceptedStatus, withBody, headers, syncStatus);
    }

    /// <summary>202 and a delete operation (Location only, for the final-state-via location deletes), or 204 when absent.</summary>
    private ArmReply DeleteChild(HttpContext ctx, ArmResource account, ArmResource? child, LroHeaders headers) =>
        child is null
            ? new ArmReply(204)
            : StartChildOperation(ctx, account, child, OperationKind.Delete, acceptedStatus: 202, withBody: false, headers);

    private static bool Is(string? value, string? expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
}
