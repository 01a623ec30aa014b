using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

internal enum OperationKind { CreateOrReplace, Update, Delete }

/// <summary>
/// Where a resource provider lets clients poll its operations, and how it words the status. Each RP has its own:
/// CognitiveServices <c>/subscriptions/{s}/providers/Microsoft.CognitiveServices/locations/{loc}/operationStatuses/{id}</c>
/// with a full status resource; Microsoft.Network <c>…/Microsoft.Network/locations/{loc}/operations/{id}</c> answering
/// just <c>{"status":…}</c>; Private DNS <c>/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsOperationStatuses/{id}</c>.
/// </summary>
internal sealed record OperationUrls(string Prefix, string StatusCollection, string ResultCollection, bool MinimalStatus)
{
    public static OperationUrls CognitiveServices(string subscriptionId, string location) =>
        new($"/subscriptions/{subscriptionId}/providers/Microsoft.CognitiveServices/locations/{location}", "operationStatuses", "operationResults", MinimalStatus: false);

    public static OperationUrls Network(string subscriptionId, string location) =>
        new($"/subscriptions/{subscriptionId}/providers/Microsoft.Network/locations/{location}", "operations", "operationResults", MinimalStatus: true);

    public static OperationUrls PrivateDns(string subscriptionId, string resourceGroup) =>
        new($"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network", "privateDnsOperationStatuses", "privateDnsOperationResults", MinimalStatus: true);
}

/// <summary>The LRO headers an RP sends on a write in the default (<see cref="LroStyle.Both"/>) style.</summary>
[Flags]
internal enum LroHeaders { AsyncOperation = 1, Location = 2, Both = AsyncOperation | Location }

/// <summary>
/// A long-running operation. The write itself is applied when the request arrives; the operation only decides
/// when the resource's provisioningState turns terminal (or, for a delete, when the resource disappears).
/// </summary>
internal sealed class Operation
{
    public const string InProgress = "InProgress";

    public required string Id { get; init; }
    public required OperationUrls Urls { get; init; }
    public required string ResourceId { get; init; }
    public required OperationKind Kind { get; init; }
    public required int PollsNeeded { get; init; }
    public FaultSpec? Fault { get; init; }

    public int Polls { get; set; }
    public string Status { get; set; } = InProgress;
    public DateTimeOffset StartTime { get; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? EndTime { get; set; }

    public bool IsTerminal => Status != InProgress;
    public bool Failed => Status == "Failed";
    public ArmException Error => (Fault ?? new FaultSpec { Path = "", Kind = FaultKind.LroFail }).ToError();

    public int PercentComplete => IsTerminal ? 100 : PollsNeeded == 0 ? 0 : Math.Min(99, 100 * Polls / PollsNeeded);

    public string StatusPath => $"{Urls.Prefix}/{Urls.StatusCollection}/{Id}";
    public string ResultPath => $"{Urls.Prefix}/{Urls.ResultCollection}/{Id}";
}

/// <summary>Operations by id. Callers hold <see cref="EmulatorState.Gate"/>: completing one changes resources.</summary>
internal sealed class OperationStore
{
    private readonly Dictionary<string, Operation> operations = new(StringComparer.OrdinalIgnoreCase);

    public Operation? Find(string id) => operations.GetValueOrDefault(id);

    public void Clear() => operations.Clear();

    /// <summary>
    /// Starts the operation for a write just applied to <paramref name="resource"/>: it shows a non-terminal
    /// provisioningState until <paramref name="polls"/> polls have been made (0 = settled at once).
    /// </summary>
    public Operation Start(ResourceStore resources, ArmResource resource, OperationKind kind, string providerNamespace,
        string location, int polls, FaultSpec? fault) =>
        Start(resources, resource, kind, OperationUrls.CognitiveServices(resource.SubscriptionId, location), polls, fault);

    /// <param name="runningState">The provisioningState while running, where the RP's vocabulary differs from
    /// CognitiveServices' Accepted/Updating/Deleting (Microsoft.Network says Updating for a create).</param>
    public Operation Start(ResourceStore resources, ArmResource resource, OperationKind kind, OperationUrls urls,
        int polls, FaultSpec? fault, string? runningState = null)
    {
        var op = new Operation
        {
            Id = Guid.NewGuid().ToString(),
            Urls = urls,
            ResourceId = resource.Id,
            Kind = kind,
            PollsNeeded = polls,
            Fault = fault,
        };
        operations[op.Id] = op;
        resource.CurrentOperationId = op.Id;
        resource.ProvisioningState = runningState ?? kind switch
        {
            OperationKind.CreateOrReplace => "Accepted",
            OperationKind.Update => "Updating",
            _ => "Deleting",
        };
        resource.Touch();
        if (polls == 0)
            Settle(op, resources);
        return op;
    }

    /// <summary>Counts a poll (of either LRO URL); the poll that reaches the configured count sees the terminal status.</summary>
    public void Poll(Operation op, ResourceStore resources)
    {
        if (op.IsTerminal)
            return;
        op.Polls++;
        if (op.Polls >= op.PollsNeeded)
            Settle(op, resources);
    }

    /// <summary>Finishes the operation now (synchronous answers), unless a lroStuck fault holds it forever.</summary>
    public void Settle(Operation op, ResourceStore resources)
    {
        if (op.IsTerminal || op.Fault?.Kind == FaultKind.LroStuck)
            return;
        var failed = op.Fault?.Kind == FaultKind.LroFail;
        op.Status = failed ? "Failed" : "Succeeded";
        op.EndTime = DateTimeOffset.UtcNow;

        var resource = resources.Find(op.ResourceId);
        if (resource is null || resource.CurrentOperationId != op.Id)
            return; // superseded by a later write, which owns the resource's state now
        if (op.Kind == OperationKind.Delete && !failed)
        {
            resources.Remove(resource);
            return;
        }
        resource.ProvisioningState = failed ? "Failed" : "Succeeded";
        resource.Touch();
    }
}

/// <summary>The HTTP side of long-running operations: the 201/202 answers and the two polling URLs.</summary>
internal static class Lro
{
    /// <summary>
    /// Answers a write whose operation was just started, in the configured style: 201/200/202 with Azure-AsyncOperation
    /// and/or Location and Retry-After; or, for <see cref="LroStyle.Sync"/>, the settled outcome at once (200, no LRO headers).
    /// </summary>
    /// <param name="both">What the RP sends in <see cref="LroStyle.Both"/> style (Microsoft.Network PUTs: only
    /// Azure-AsyncOperation); <see cref="LroStyle.Async"/> and <see cref="LroStyle.Location"/> force one header.</param>
    /// <param name="syncStatus">The status of the settled answer in <see cref="LroStyle.Sync"/> style.</param>
    public static ArmReply Answer(HttpContext ctx, EmulatorState state, Operation op, int acceptedStatus, bool withBody,
        LroHeaders both = LroHeaders.Both, int syncStatus = 200)
    {
        var config = state.Config;
        if (config.LroStyle == LroStyle.Sync)
        {
            state.Operations.Settle(op, state.Resources);
            if (op.Failed)
                throw op.Error;
            return new ArmReply(syncStatus, withBody ? Render(state, op) : null);
        }

        var headers = new Dictionary<string, string> { ["Retry-After"] = config.RetryAfterSeconds.ToString() };
        if (config.LroStyle is LroStyle.Async || (config.LroStyle is LroStyle.Both && both.HasFlag(LroHeaders.AsyncOperation)))
            headers["Azure-AsyncOperation"] = Url(ctx, op.StatusPath);
        if (config.LroStyle is LroStyle.Location || (config.LroStyle is LroStyle.Both && both.HasFlag(LroHeaders.Location)))
            headers["Location"] = Url(ctx, op.ResultPath);
        return new ArmReply(acceptedStatus, withBody ? Render(state, op) : null, headers);
    }

    /// <summary>GET …/operationStatuses/{id}: always 200 with the status resource (a failed operation is not a failed poll).</summary>
    public static ArmReply PollStatus(HttpContext ctx, EmulatorState state)
    {
        var op = FindAndPoll(ctx, state, result: false);
        if (op.Urls.MinimalStatus)
        {
            var minimal = new JsonObject { ["status"] = op.Status };
            if (op.Failed)
                minimal["error"] = new JsonObject { ["code"] = op.Error.Code, ["message"] = op.Error.Message };
            return new ArmReply(200, minimal, op.IsTerminal ? null : RetryAfter(state));
        }
        var body = new JsonObject
        {
            ["id"] = op.StatusPath,
            ["name"] = op.Id,
            ["status"] = op.Status,
            ["startTime"] = op.StartTime,
            ["percentComplete"] = op.PercentComplete,
        };
        if (op.EndTime is { } end)
            body["endTime"] = end;
        if (op.Failed)
            body["error"] = new JsonObject { ["code"] = op.Error.Code, ["message"] = op.Error.Message };
        return new ArmReply(200, body, op.IsTerminal ? null : RetryAfter(state));
    }

    /// <summary>GET …/operationResults/{id}: 202 (no body) while running, then the final resource, 204 for a delete, or the error.</summary>
    public static ArmReply PollResult(HttpContext ctx, EmulatorState state)
    {
        var op = FindAndPoll(ctx, state, result: true);
        if (!op.IsTerminal)
        {
            var headers = RetryAfter(state);
            headers["Location"] = Url(ctx, op.ResultPath);
            return new ArmReply(202, null, headers);
        }
        if (op.Failed)
            throw op.Error;
        return op.Kind == OperationKind.Delete ? new ArmReply(204) : new ArmReply(200, Render(state, op));
    }

    /// <summary>The operation, if the request's path is its status (or result) URL, case-insensitively; then counts the poll.</summary>
    private static Operation FindAndPoll(HttpContext ctx, EmulatorState state, bool result)
    {
        var id = (string)ctx.GetRouteValue("operationId")!;
        var op = state.Operations.Find(id);
        if (op is null || !(result ? op.ResultPath : op.StatusPath).Equals(ctx.Request.Path.Value?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            throw new ArmException(404, "OperationNotFound", $"The operation '{id}' could not be found.");
        state.Operations.Poll(op, state.Resources);
        return op;
    }

    private static JsonObject? Render(EmulatorState state, Operation op) =>
        state.Resources.Find(op.ResourceId) is { } resource ? state.Resources.Render(resource) : null;

    private static Dictionary<string, string> RetryAfter(EmulatorState state) =>
        new() { ["Retry-After"] = state.Config.RetryAfterSeconds.ToString() };

    /// <summary>Absolute, as ARM's are, and carrying the api-version of the request that started or polled it.</summary>
    private static string Url(HttpContext ctx, string path) =>
        $"{ctx.Request.Scheme}://{ctx.Request.Host}{path}" +
        $"?api-version={Uri.EscapeDataString(ctx.Request.Query["api-version"].ToString())}";
}
