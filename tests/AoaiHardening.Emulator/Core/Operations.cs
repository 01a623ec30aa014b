using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

internal enum OperationKind { CreateOrReplace, Update, Delete }

/// <summary>
/// A long-running operation. The write itself is applied when the request arrives; the operation only decides
/// when the resource's provisioningState turns terminal (or, for a delete, when the resource disappears).
/// </summary>
internal sealed class Operation
{
    public const string InProgress = "InProgress";

    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string ProviderNamespace { get; init; }
    public required string Location { get; init; }
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
        string location, int polls, FaultSpec? fault)
    {
        var op = new Operation
        {
            Id = Guid.NewGuid().ToString(),
            SubscriptionId = resource.SubscriptionId,
            ProviderNamespace = providerNamespace,
            Location = location,
            ResourceId = resource.Id,
            Kind = kind,
            PollsNeeded = polls,
            Fault = fault,
        };
        operations[op.Id] = op;
        resource.CurrentOperationId = op.Id;
        resource.ProvisioningState = kind switch
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
    public static ArmReply Answer(HttpContext ctx, EmulatorState state, Operation op, int acceptedStatus, bool withBody)
    {
        var config = state.Config;
        if (config.LroStyle == LroStyle.Sync)
        {
            state.Operations.Settle(op, state.Resources);
            if (op.Failed)
                throw op.Error;
            return new ArmReply(200, withBody ? Render(state, op) : null);
        }

        var headers = new Dictionary<string, string> { ["Retry-After"] = config.RetryAfterSeconds.ToString() };
        if (config.LroStyle is LroStyle.Both or LroStyle.Async)
            headers["Azure-AsyncOperation"] = Url(ctx, op, "operationStatuses");
        if (config.LroStyle is LroStyle.Both or LroStyle.Location)
            headers["Location"] = Url(ctx, op, "operationResults");
        return new ArmReply(acceptedStatus, withBody ? Render(state, op) : null, headers);
    }

    /// <summary>GET …/operationStatuses/{id}: always 200 with the status resource (a failed operation is not a failed poll).</summary>
    public static ArmReply PollStatus(HttpContext ctx, EmulatorState state)
    {
        var op = FindAndPoll(ctx, state);
        var body = new JsonObject
        {
            ["id"] = PathOf(op, "operationStatuses"),
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
        var op = FindAndPoll(ctx, state);
        if (!op.IsTerminal)
        {
            var headers = RetryAfter(state);
            headers["Location"] = Url(ctx, op, "operationResults");
            return new ArmReply(202, null, headers);
        }
        if (op.Failed)
            throw op.Error;
        return op.Kind == OperationKind.Delete ? new ArmReply(204) : new ArmReply(200, Render(state, op));
    }

    private static Operation FindAndPoll(HttpContext ctx, EmulatorState state)
    {
        var id = (string)ctx.GetRouteValue("operationId")!;
        var op = state.Operations.Find(id);
        if (op is null
            || !op.SubscriptionId.Equals((string?)ctx.GetRouteValue("subscriptionId"), StringComparison.OrdinalIgnoreCase)
            || !op.Location.Equals((string?)ctx.GetRouteValue("location"), StringComparison.OrdinalIgnoreCase))
            throw new ArmException(404, "OperationNotFound", $"The operation '{id}' could not be found.");
        state.Operations.Poll(op, state.Resources);
        return op;
    }

    private static JsonObject? Render(EmulatorState state, Operation op) =>
        state.Resources.Find(op.ResourceId) is { } resource ? state.Resources.Render(resource) : null;

    private static Dictionary<string, string> RetryAfter(EmulatorState state) =>
        new() { ["Retry-After"] = state.Config.RetryAfterSeconds.ToString() };

    private static string PathOf(Operation op, string collection) =>
        $"/subscriptions/{op.SubscriptionId}/providers/{op.ProviderNamespace}/locations/{op.Location}/{collection}/{op.Id}";

    /// <summary>Absolute, as ARM's are, and carrying the api-version of the request that started or polled it.</summary>
    private static string Url(HttpContext ctx, Operation op, string collection) =>
        $"{ctx.Request.Scheme}://{ctx.Request.Host}{PathOf(op, collection)}" +
        $"?api-version={Uri.EscapeDataString(ctx.Request.Query["api-version"].ToString())}";
}
