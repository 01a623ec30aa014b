using System.Text.Json;
using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// What ARM's front door does for every request before a resource provider sees it, in ARM's order:
/// standard headers, injected faults and latency, authentication, api-version, subscription and resource group
/// existence. Also records the request log entry and turns <see cref="ArmException"/> into the error envelope.
/// </summary>
internal sealed class ArmPipeline(EmulatorState state)
{
    public const string SubscriptionId = "subscriptionId";
    public const string ResourceGroupName = "resourceGroupName";

    /// <summary>
    /// The route's subscription and resource group in their stored spelling. Only for routes behind the pipeline, which
    /// has already checked that both exist.
    /// </summary>
    public static (string SubscriptionId, string ResourceGroup) Scope(HttpContext ctx, EmulatorState state)
    {
        var subscriptionId = (string)ctx.GetRouteValue(SubscriptionId)!;
        return (state.Tenant.FindSubscription(subscriptionId)!.SubscriptionId,
                state.Tenant.FindResourceGroup(subscriptionId, (string)ctx.GetRouteValue(ResourceGroupName)!)!.Name);
    }

    private static readonly object FaultKey = new();

    /// <summary>
    /// Takes the lroFail/lroStuck fault, if any, for the operation this write request is about to start,
    /// and notes it for the request log.
    /// </summary>
    public static FaultSpec? TakeOperationFault(HttpContext ctx, EmulatorState state)
    {
        var fault = state.Faults.TakeForOperation(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.Host.Host);
        if (fault is not null)
            ctx.Items[FaultKey] = fault;
        return fault;
    }

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var seq = state.Requests.NextSeq();
        var arrived = DateTimeOffset.UtcNow;
        var request = ctx.Request;
        var body = await RequestBody.ReadAsync(ctx);
        var fault = state.Faults.TakeForRequest(request.Method, request.Path.Value ?? "", request.Host.Host);
        ctx.Items[FaultKey] = fault;
        var reset = false;
        try
        {
            AddStandardHeaders(ctx);
            var latency = state.Config.LatencyMs + (fault?.Kind == FaultKind.Latency ? fault.LatencyMs ?? 0 : 0);
            if (latency > 0)
                await Task.Delay(latency, ctx.RequestAborted);
            if (fault?.Kind == FaultKind.Reset)
            {
                reset = true;
                ctx.Abort();
                return;
            }
            if (fault?.Kind == FaultKind.Status)
                throw fault.ToError();

            Auth.Check(ctx, state.TenantId);
            // Throttled after authentication (an anonymous caller has no bucket), before any provider work.
            if (ctx.GetEndpoint()?.Metadata.GetMetadata<RateLimits.Exempt>() is null)
                state.RateLimits.Take(ctx, ctx.GetRouteValue(SubscriptionId) as string, state.Config);
            ApiVersionGate.Check(ctx);
            CheckScope(ctx);
            await next(ctx);
        }
        catch (ArmException error) when (!ctx.Response.HasStarted)
        {
            await error.ToReply().WriteAsync(ctx);
        }
        catch (Exception bug) when (bug is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            // An emulator bug: answer (and log) a 500 as ARM would, rather than a bare reset the test cannot explain.
            ctx.RequestServices.GetRequiredService<ILogger<ArmPipeline>>().LogError(bug, "Emulator failure on {Method} {Path}", request.Method, request.Path);
            await HttpJson.WriteAsync(ctx, 500, ArmErrors.Envelope("InternalServerError", $"Emulator failure: {bug.Message}"));
        }
        finally
        {
            state.Requests.Add(new LoggedRequest(
                seq, arrived, request.Method, request.Path.Value ?? "", request.QueryString.Value?.TrimStart('?') ?? "",
                request.Query["api-version"].FirstOrDefault(),
                reset ? null : ctx.Response.StatusCode,
                request.Headers.UserAgent.FirstOrDefault(),
                HasAuthorization: request.Headers.Authorization.Count > 0,
                request.Headers["x-ms-correlation-request-id"].FirstOrDefault(),
                body.Json?.DeepClone(),
                ctx.Items[FaultKey] is FaultSpec answeredBy ? JsonNamingPolicy.CamelCase.ConvertName(answeredBy.Kind.ToString()) : null,
                request.Host.Host));
        }
    }

    private void AddStandardHeaders(HttpContext ctx)
    {
        var requestId = Guid.NewGuid().ToString();
        var headers = ctx.Response.Headers;
        headers["x-ms-request-id"] = requestId;
        headers["x-ms-correlation-request-id"] = ctx.Request.Headers["x-ms-correlation-request-id"].FirstOrDefault() ?? requestId;
        headers["x-ms-routing-request-id"] = $"EASTUS:{DateTime.UtcNow:yyyyMMddTHHmmssZ}:{requestId}";
        if (ctx.Request.Headers["x-ms-client-request-id"].FirstOrDefault() is { } clientRequestId)
            headers["x-ms-client-request-id"] = clientRequestId;
        headers.CacheControl = "no-cache";
        headers.Expires = "-1";
    }

    /// <summary>A route naming a subscription or resource group that the scenario lacks fails here, for every provider.</summary>
    private void CheckScope(HttpContext ctx)
    {
        if (ctx.GetRouteValue(SubscriptionId) is not string subscriptionId)
            return;
        if (state.Tenant.FindSubscription(subscriptionId) is null)
            throw ArmErrors.SubscriptionNotFound(subscriptionId);
        if (ctx.GetRouteValue(ResourceGroupName) is string group && state.Tenant.FindResourceGroup(subscriptionId, group) is null)
            throw ArmErrors.ResourceGroupNotFound(group);
    }
}

/// <summary>The request body, read once by the pipeline (for the log) and handed to handlers through HttpContext.Items.</summary>
internal sealed record RequestBody(JsonNode? Json, string? Error)
{
    private static readonly object Key = new();

    public static async Task<RequestBody> ReadAsync(HttpContext ctx)
    {
        var text = await new StreamReader(ctx.Request.Body).ReadToEndAsync(ctx.RequestAborted);
        RequestBody body;
        try
        {
            body = new RequestBody(text.Length == 0 ? null : JsonNode.Parse(text), null);
        }
        catch (JsonException e)
        {
            body = new RequestBody(null, e.Message);
        }
        ctx.Items[Key] = body;
        return body;
    }

    /// <summary>The body as a JSON object, or 400 InvalidRequestContent.</summary>
    public static JsonObject RequireObject(HttpContext ctx)
    {
        var body = (RequestBody)ctx.Items[Key]!;
        if (body.Error is not null)
            throw ArmErrors.InvalidRequestContent(body.Error);
        return body.Json as JsonObject ?? throw ArmErrors.InvalidRequestContent(
            body.Json is null ? "The request body is empty; a JSON object is required." : "A JSON object is required.");
    }

    /// <summary>The body as a JSON array (the batch operations take one), or 400 InvalidRequestContent.</summary>
    public static JsonArray RequireArray(HttpContext ctx)
    {
        var body = (RequestBody)ctx.Items[Key]!;
        if (body.Error is not null)
            throw ArmErrors.InvalidRequestContent(body.Error);
        return body.Json as JsonArray ?? throw ArmErrors.InvalidRequestContent(
            body.Json is null ? "The request body is empty; a JSON array is required." : "A JSON array is required.");
    }
}
