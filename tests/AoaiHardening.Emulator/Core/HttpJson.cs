using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AoaiHardening.Emulator.Core;

/// <summary>One JSON dialect for everything the emulator reads or writes: camelCase, enums as camelCase strings.</summary>
internal static class HttpJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // ARM writes ' and " literally (W/"datetime'…'"); the default encoder's \u0027 is valid JSON but not what clients see from Azure.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static Task WriteAsync(HttpContext ctx, int status, JsonNode? body)
    {
        ctx.Response.StatusCode = status;
        if (body is null)
            return Task.CompletedTask;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(body.ToJsonString(Options), ctx.RequestAborted);
    }

    public static Task WriteAsync<T>(HttpContext ctx, int status, T value) =>
        WriteAsync(ctx, status, JsonSerializer.SerializeToNode(value, Options));
}

/// <summary>
/// A complete ARM answer, built while <see cref="EmulatorState.Gate"/> is held and written after it is released
/// (a lock cannot span the asynchronous write).
/// </summary>
internal sealed record ArmReply(int Status, JsonNode? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public Task WriteAsync(HttpContext ctx)
    {
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
            ctx.Response.Headers[name] = value;
        return HttpJson.WriteAsync(ctx, Status, Body);
    }
}
