using System.Text.Json;
using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// What every data plane (Key Vault, Azure OpenAI) does around its own routing, in one place: the injected fault for the
/// request (latency, connection reset, status) and the request-log entry, written whatever the outcome.
/// </summary>
internal static class DataPlaneRequests
{
    private static readonly object FaultKey = new();

    /// <summary>
    /// Applies the fault injected for this request, if any: waits the latency, then throws a status fault's error.
    /// Returns false when the fault resets the connection (the caller answers nothing).
    /// </summary>
    public static async Task<bool> ApplyFaultAsync(HttpContext ctx, EmulatorState state, string host)
    {
        var request = ctx.Request;
        var fault = state.Faults.TakeForRequest(request.Method, request.Path.Value ?? "", host);
        ctx.Items[FaultKey] = fault;
        var latency = state.Config.LatencyMs + (fault?.Kind == FaultKind.Latency ? fault.LatencyMs ?? 0 : 0);
        if (latency > 0)
            await Task.Delay(latency, ctx.RequestAborted);
        if (fault?.Kind == FaultKind.Reset)
        {
            ctx.Abort();
            return false;
        }
        if (fault?.Kind == FaultKind.Status)
            throw fault.ToError();
        return true;
    }

    /// <summary>The request-log entry: no answer is logged as a null status; the body is what the caller lets be seen.</summary>
    public static void Log(HttpContext ctx, EmulatorState state, long seq, DateTimeOffset arrived, string host, JsonNode? loggedBody, bool hasCredential, bool reset)
    {
        var request = ctx.Request;
        state.Requests.Add(new LoggedRequest(
            seq, arrived, request.Method, request.Path.Value ?? "", request.QueryString.Value?.TrimStart('?') ?? "",
            request.Query["api-version"].FirstOrDefault(),
            reset || ctx.RequestAborted.IsCancellationRequested ? null : ctx.Response.StatusCode, // null: no answer reached the client
            request.Headers.UserAgent.FirstOrDefault(),
            HasAuthorization: hasCredential,
            request.Headers["x-ms-correlation-request-id"].FirstOrDefault(),
            loggedBody,
            ctx.Items[FaultKey] is FaultSpec answeredBy ? JsonNamingPolicy.CamelCase.ConvertName(answeredBy.Kind.ToString()) : null,
            host));
    }
}
