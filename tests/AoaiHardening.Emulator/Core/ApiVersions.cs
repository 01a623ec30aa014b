namespace AoaiHardening.Emulator.Core;

/// <summary>
/// Endpoint metadata naming the resource type a route serves and the api-versions ARM accepts for it.
/// Providers attach it to their route groups; the gate and the unknown-route answer read it back.
/// </summary>
internal sealed record ArmApi(string ProviderNamespace, string ResourceType, IReadOnlyList<string> Versions);

internal static class ApiVersionGate
{
    /// <summary>Quoted in InvalidApiVersionParameter messages, as ARM lists the type's regions there.</summary>
    public static readonly string[] SupportedLocations =
        ["global", "australiaeast", "canadaeast", "eastus", "eastus2", "francecentral", "japaneast", "northcentralus",
         "southcentralus", "swedencentral", "switzerlandnorth", "uksouth", "westeurope", "westus", "westus3"];

    /// <summary>
    /// Every ARM request needs ?api-version=; routes with <see cref="ArmApi"/> metadata also need a version that type supports.
    /// Routes without it (generic lookups, unknown paths) accept any version, like a type registered for all of them.
    /// </summary>
    public static void Check(HttpContext ctx)
    {
        var version = ctx.Request.Query["api-version"].ToString();
        if (version.Length == 0)
            throw ArmErrors.MissingApiVersion();
        var api = ctx.GetEndpoint()?.Metadata.GetMetadata<ArmApi>();
        if (api is not null && !api.Versions.Contains(version, StringComparer.OrdinalIgnoreCase))
            throw ArmErrors.InvalidApiVersion(version, api.Versions);
    }
}

/// <summary>Regions as ARM compares them.</summary>
internal static class ArmLocation
{
    /// <summary>"West US" → "westus", the form ARM uses in URLs and compares by.</summary>
    public static string Normalize(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
