using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Providers;

/// <summary>
/// Any resource type a scenario seeds but no provider implements yet: GET by id returns it as stored.
/// Everything no route claims gets ARM's unknown-type answer.
/// </summary>
internal sealed class GenericProvider(EmulatorState state)
{
    public void Map(IEndpointRouteBuilder routes)
    {
        // Lower precedence than every literal provider route, so a provider's own routes always win.
        routes.MapGet($"/subscriptions/{{{ArmPipeline.SubscriptionId}}}/resourcegroups/{{{ArmPipeline.ResourceGroupName}}}/providers/{{**resourcePath}}", Get);
        routes.MapFallback("{**path}", UnknownRoute); // not the default {*path:nonfile}: ARM paths end in dotted names
    }

    private Task Get(HttpContext ctx) => state.ReplyAsync(ctx, () =>
    {
        if (state.Resources.Find(ctx.Request.Path.Value!) is { } resource)
            return new ArmReply(200, state.Resources.Render(resource));
        if (ProviderPath.Parse(ctx.Request.Path) is { } path && state.Resources.Query(type: path.Type).Any())
            throw ArmErrors.ResourceNotFound($"{path.Type}/{path.Name}", (string)ctx.GetRouteValue(ArmPipeline.ResourceGroupName)!);
        throw UnknownType(ctx);
    });

    private static Task UnknownRoute(HttpContext ctx) =>
        ctx.Request.Path.StartsWithSegments(Control.ControlApi.Prefix)
            ? HttpJson.WriteAsync(ctx, 404, ArmErrors.Envelope("NotFound", $"No control endpoint {ctx.Request.Method} {ctx.Request.Path}."))
            : throw UnknownType(ctx);

    /// <summary>
    /// 400 InvalidResourceType when the provider namespace is one the emulator serves (the type is what is unknown),
    /// else 404 NoRegisteredProviderFound.
    /// </summary>
    private static ArmException UnknownType(HttpContext ctx)
    {
        var apiVersion = ctx.Request.Query["api-version"].FirstOrDefault();
        if (ProviderPath.Parse(ctx.Request.Path) is not { } path)
            return ArmErrors.NoRegisteredProviderFound(ctx.Request.Path.Value ?? "", apiVersion);
        var served = ctx.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .Any(e => e.Metadata.GetMetadata<ArmApi>()?.ProviderNamespace.Equals(path.Namespace, StringComparison.OrdinalIgnoreCase) == true);
        return served
            ? ArmErrors.InvalidResourceType(path.Type[(path.Namespace.Length + 1)..], path.Namespace, apiVersion)
            : ArmErrors.NoRegisteredProviderFound(path.Type, apiVersion);
    }

    /// <summary>The part of an ARM path after the last <c>/providers/</c>: namespace, full type and name.</summary>
    private sealed record ProviderPath(string Namespace, string Type, string Name)
    {
        public static ProviderPath? Parse(PathString requestPath)
        {
            var segments = (requestPath.Value ?? "").Trim('/').Split('/');
            var at = Array.FindLastIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
            if (at < 0 || at + 2 >= segments.Length)
                return null;
            var rest = segments[(at + 2)..];
            var types = rest.Where((_, i) => i % 2 == 0);
            var names = rest.Where((_, i) => i % 2 == 1);
            return new ProviderPath(segments[at + 1], string.Join('/', types.Prepend(segments[at + 1])), string.Join('/', names));
        }
    }
}
