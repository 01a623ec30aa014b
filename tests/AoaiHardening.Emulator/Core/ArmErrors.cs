using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// An ARM error answer. Handlers throw it from any depth; <see cref="ArmPipeline"/> turns it into the
/// <c>{"error":{"code","message"}}</c> envelope, so no handler writes error bodies by hand.
/// </summary>
internal sealed class ArmException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ArmException WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    /// <summary>
    /// True for the RPs whose spec declares an unwrapped error body <c>{"code","message"}</c> (Microsoft.Insights
    /// diagnosticSettings, arm-api.md §4.1) instead of ARM's <c>{"error":{…}}</c>.
    /// </summary>
    public bool Unwrapped { get; init; }

    /// <summary><c>error.details</c> entries (code, message), as Resource Graph sends them; none by default.</summary>
    public IReadOnlyList<(string Code, string Message)> Details { get; init; } = [];

    public ArmReply ToReply()
    {
        if (Unwrapped)
            return new(Status, new JsonObject { ["code"] = Code, ["message"] = Message }, Headers);
        var envelope = ArmErrors.Envelope(Code, Message);
        if (Details.Count > 0)
            envelope.ObjectAt("error")["details"] = new JsonArray([.. Details.Select(d => (JsonNode)new JsonObject { ["code"] = d.Code, ["message"] = d.Message })]);
        return new(Status, envelope, Headers);
    }
}

/// <summary>The ARM-layer errors, with the codes and (start of the) messages the real service uses.</summary>
internal static class ArmErrors
{
    public static JsonObject Envelope(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    /// <summary>"Too Many Requests" → "TooManyRequests": the conventional code for a bare HTTP status.</summary>
    public static string CodeFor(int status) =>
        ReasonPhrases.GetReasonPhrase(status).Replace(" ", "", StringComparison.Ordinal) is { Length: > 0 } code ? code : "Error";

    public static ArmException MissingApiVersion() => new(400, "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.");

    public static ArmException InvalidApiVersion(string version, IEnumerable<string> supported) => new(400, "InvalidApiVersionParameter",
        $"The api-version '{version}' is invalid. The supported versions are '{string.Join(",", supported)}'. " +
        $"The supported locations are '{string.Join(", ", ApiVersionGate.SupportedLocations)}'.");

    public static ArmException SubscriptionNotFound(string subscriptionId) => new(404, "SubscriptionNotFound",
        $"The subscription '{subscriptionId}' could not be found.");

    public static ArmException ResourceGroupNotFound(string resourceGroup) => new(404, "ResourceGroupNotFound",
        $"Resource group '{resourceGroup}' could not be found.");

    /// <summary>A management group scope the scenario does not declare.</summary>
    public static ArmException ManagementGroupNotFound(string name) => new(404, "ManagementGroupNotFound",
        $"The management group '{name}' could not be found.");

    /// <param name="typeAndName">e.g. <c>Microsoft.CognitiveServices/accounts/myAccount</c>.</param>
    public static ArmException ResourceNotFound(string typeAndName, string resourceGroup) => new(404, "ResourceNotFound",
        $"The Resource '{typeAndName}' under resource group '{resourceGroup}' was not found. " +
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    /// <param name="typeAndName">The parent as ARM names it, e.g. <c>Microsoft.Network/virtualNetworks/vnet1</c>.</param>
    public static ArmException ParentResourceNotFound(string typeAndName) => new(404, "ParentResourceNotFound",
        $"Can not perform requested operation on nested resource. Parent resource '{typeAndName}' not found.");

    public static ArmException LocationRequired() => new(400, "LocationRequired", "The location property is required for this definition.");

    /// <summary>A PUT that would move an existing resource to another region.</summary>
    public static ArmException InvalidResourceLocation(string name, string resourceGroup, string current, string requested) => new(400, "InvalidResourceLocation",
        $"The resource '{name}' already exists in location '{current}' in resource group '{resourceGroup}'. " +
        $"A resource with the same name cannot be created in location '{requested}'. Please select a new resource name.");

    public static ArmException LocationNotAvailableForResourceType(string location, string type, string available) => new(400, "LocationNotAvailableForResourceType",
        $"The provided location '{location}' is not available for resource type '{type}'. List of available regions for the resource type is '{available}'.");

    public static ArmException InvalidRequestContent(string detail) => new(400, "InvalidRequestContent",
        $"The request content was invalid and could not be deserialized: '{detail}'.");

    public static ArmException BadRequest(string code, string message) => new(400, code, message);

    public static ArmException InvalidResourceType(string type, string providerNamespace, string? apiVersion) => new(400, "InvalidResourceType",
        $"The resource type '{type}' could not be found in the namespace '{providerNamespace}' for api version '{apiVersion}'.");

    /// <summary>Resource Graph's top-level error message: where to look when asking for support.</summary>
    public static string SupportMessage(HttpContext ctx) =>
        $"Please provide below info when asking for support: timestamp = {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffffffZ}, " +
        $"correlationId = {ctx.Response.Headers["x-ms-correlation-request-id"]}.";

    /// <summary>Resource Graph's refusal of a query: 400 BadRequest with an InvalidQuery detail saying what is wrong.</summary>
    public static ArmException InvalidQuery(HttpContext ctx, string detail) => new(400, "BadRequest", SupportMessage(ctx))
    {
        Details = [("InvalidQuery", $"Query is invalid. {detail}")],
    };

    public static ArmException NoRegisteredProviderFound(string type, string? apiVersion) => new(404, "NoRegisteredProviderFound",
        $"No registered resource provider found for location 'global' and API version '{apiVersion}' for type '{type}'.");
}
