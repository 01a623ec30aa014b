using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Providers;

namespace AoaiHardening.Emulator.OpenAi;

/// <summary>An Azure OpenAI data-plane error whose body is not just {code, message} (content_filter, invalid_request_error).</summary>
internal sealed class OpenAiException(int status, JsonObject error) : Exception(error.StringAt("message"))
{
    public int Status { get; } = status;

    public ArmReply ToReply() => new(Status, new JsonObject { ["error"] = error });
}

/// <summary>
/// Azure OpenAI's chat completions at an account's data-plane hosts (<c>{subdomain}.openai.azure.com</c>,
/// <c>.cognitiveservices.azure.com</c>, <c>.services.ai.azure.com</c>), routed by Host header so it never meets an ARM
/// route. Per request, in this order: the account (by custom subdomain), authentication (api-key or a bearer token for
/// Cognitive Services), injected faults and latency, api-version, the path, the deployment, the body; then the
/// deployment's RAI policy decides on the prompt (400 content_filter) and the emulated completion. Keys and tokens are
/// never logged or echoed; request bodies are (prompts are not secrets).
/// </summary>
internal sealed class OpenAiDataPlane(EmulatorState state)
{
    /// <summary>Data-plane api-versions accepted (GA and the previews current SDKs send).</summary>
    public static readonly string[] Versions = ["2024-02-01", "2024-06-01", "2024-10-21", "2025-01-01-preview", "2025-04-01-preview"];

    /// <summary>The audience of a Microsoft Entra token for the data plane (public cloud).</summary>
    public const string Audience = "https://cognitiveservices.azure.com";

    public async Task InvokeAsync(HttpContext ctx, OpenAiHost host)
    {
        var seq = state.Requests.NextSeq();
        var arrived = DateTimeOffset.UtcNow;
        var request = ctx.Request;
        var body = await RequestBody.ReadAsync(ctx);
        var reset = false;
        try
        {
            AddStandardHeaders(ctx);
            Authenticate(ctx, host);

            if (!await DataPlaneRequests.ApplyFaultAsync(ctx, state, host.Host))
            {
                reset = true;
                return;
            }

            if (!Versions.Contains(request.Query["api-version"].ToString(), StringComparer.Ordinal))
                throw NotFound();
            await state.ReplyAsync(ctx, () => Route(ctx, host, body));
        }
        catch (OpenAiException error) when (!ctx.Response.HasStarted)
        {
            await error.ToReply().WriteAsync(ctx);
        }
        catch (ArmException error) when (!ctx.Response.HasStarted)
        {
            await error.ToReply().WriteAsync(ctx);
        }
        catch (Exception bug) when (bug is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            ctx.RequestServices.GetRequiredService<ILogger<OpenAiDataPlane>>().LogError(bug, "Emulator failure on {Method} {Host}{Path}", request.Method, host.Host, request.Path);
            await HttpJson.WriteAsync(ctx, 500, ArmErrors.Envelope("InternalServerError", $"Emulator failure: {bug.Message}"));
        }
        finally
        {
            // A credential was sent (bearer token or api-key); never which one's value.
            var hasCredential = request.Headers.Authorization.Count > 0 || request.Headers["api-key"].ToString().Length > 0;
            DataPlaneRequests.Log(ctx, state, seq, arrived, host.Host, body.Json?.DeepClone(), hasCredential, reset);
        }
    }

    private static void AddStandardHeaders(HttpContext ctx)
    {
        var headers = ctx.Response.Headers;
        headers["apim-request-id"] = Guid.NewGuid().ToString();
        if (ctx.Request.Headers["x-ms-client-request-id"].FirstOrDefault() is { } clientRequestId)
            headers["x-ms-client-request-id"] = clientRequestId;
    }

    /// <summary>
    /// An <c>api-key</c> header wins: refused when the account has local auth disabled, else it must be one of the account's
    /// two keys. Otherwise a bearer token is required: a JWT must be for Cognitive Services (trailing slash optional), the
    /// token <c>expired</c> fails as an expired one would, other opaque tokens pass (nothing here can validate them).
    /// </summary>
    private void Authenticate(HttpContext ctx, OpenAiHost host)
    {
        bool localAuthDisabled;
        ApiKeys keys;
        lock (state.Gate)
        {
            var account = FindAccount(host);
            localAuthDisabled = account.Body["properties"]?["disableLocalAuth"] is JsonValue flag && flag.TryGetValue<bool>(out var disabled) && disabled;
            keys = account.Keys ??= ApiKeys.New(); // the same keys listKeys returns
        }

        var apiKey = ctx.Request.Headers["api-key"].ToString();
        if (apiKey.Length > 0)
        {
            if (localAuthDisabled)
                throw new ArmException(401, "AuthenticationTypeDisabled", "Key based authentication is disabled for this resource.");
            if (!SameSecret(apiKey, keys.Key1) && !SameSecret(apiKey, keys.Key2))
                throw new ArmException(401, "401",
                    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active " +
                    "subscription and use a correct regional API endpoint for your resource.");
            return;
        }

        var token = Jwt.BearerToken(ctx.Request);
        if (token.Length == 0 || token == Auth.ExpiredToken
            || (Jwt.Audience(token) is { } audience && !audience.TrimEnd('/').Equals(Audience, StringComparison.OrdinalIgnoreCase)))
            throw new ArmException(401, "401",
                $"Unauthorized. Access token is missing, invalid, audience is incorrect ({Audience}), or have expired.");
    }

    private static bool SameSecret(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    /// <summary>
    /// Through the proxy an unknown subdomain fails like a DNS lookup; a client that reaches Kestrel directly with such a
    /// Host header gets a 404 saying so. Caller holds the gate.
    /// </summary>
    private ArmResource FindAccount(OpenAiHost host) =>
        state.FindAccountBySubdomain(host.Subdomain)
        ?? throw new ArmException(404, "404", $"The emulator has no account with custom subdomain '{host.Subdomain}' (a real client would fail to resolve {host.Host}).");

    /// <summary>Runs under <see cref="EmulatorState.Gate"/>: <c>POST /openai/deployments/{deployment}/chat/completions</c>, nothing else.</summary>
    private ArmReply Route(HttpContext ctx, OpenAiHost host, RequestBody body)
    {
        var segments = (ctx.Request.Path.Value ?? "").Split('/');
        if (ctx.Request.Method != HttpMethods.Post || segments.Length != 6 || segments[0].Length != 0
            || !Is(segments[1], "openai") || !Is(segments[2], "deployments") || segments[3].Length == 0
            || !Is(segments[4], "chat") || !Is(segments[5], "completions"))
            throw NotFound();

        var account = FindAccount(host);
        var deployment = state.Resources.Find($"{account.Id}/deployments/{segments[3]}", CognitiveServicesProvider.DeploymentType)
            ?? throw new ArmException(404, "DeploymentNotFound",
                "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");
        var rendered = state.Resources.Render(deployment);
        var model = rendered["properties"]?["model"].StringAt("name") ?? CognitiveServicesProvider.ShortDeploymentName(deployment);
        if (rendered["properties"]?["capabilities"].StringAt("chatCompletion") != "true")
            throw InvalidRequest("OperationNotSupported",
                $"The chatCompletion operation does not work with the specified model, {model}. Please choose different model and try again. " +
                "You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.", param: null);

        var messages = Messages(body);
        var policyName = rendered["properties"].StringAt("raiPolicyName");
        var policy = (string.IsNullOrEmpty(policyName) ? null : CognitiveServicesProvider.FindPolicy(state.Resources, account, policyName))
            ?? CognitiveServicesProvider.FindPolicy(state.Resources, account, CognitiveServicesProvider.DefaultV2Policy)!;
        var filter = new ContentFilterPolicy(policy["properties"] as JsonObject ?? new JsonObject(),
            name => CognitiveServicesProvider.BlocklistItems(state.Resources, account, name));

        var promptResults = filter.PromptResults(ContentClassifier.AnalyzePrompt(messages), out var promptFiltered);
        if (promptFiltered)
            throw PromptFiltered(promptResults);

        var completion = ContentClassifier.Completion(messages);
        var choice = new JsonObject { ["index"] = 0 };
        if (filter.FiltersCompletionsLater)
        {
            choice["finish_reason"] = "stop";
            choice["message"] = new JsonObject { ["role"] = "assistant", ["content"] = completion };
        }
        else
        {
            var completionResults = filter.CompletionResults(ContentClassifier.Scan(completion), completion, out var completionFiltered);
            choice["finish_reason"] = completionFiltered ? "content_filter" : "stop";
            choice["message"] = new JsonObject { ["role"] = "assistant", ["content"] = completionFiltered ? null : completion };
            choice["content_filter_results"] = completionResults;
        }

        var promptTokens = messages.Sum(m => ContentClassifier.Tokens(m.Text));
        var completionTokens = ContentClassifier.Tokens(completion);
        return new ArmReply(200, new JsonObject
        {
            ["id"] = CompletionId(deployment, body),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["prompt_filter_results"] = new JsonArray(new JsonObject { ["prompt_index"] = 0, ["content_filter_results"] = promptResults }),
            ["choices"] = new JsonArray(choice),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        });
    }

    /// <summary>The messages as (role, text): string content, or the text parts of a content array; other parts are ignored.</summary>
    private static List<ChatMessage> Messages(RequestBody body)
    {
        if (body.Error is not null)
            throw InvalidRequest("BadRequest", $"We could not parse the JSON body of your request. ({body.Error})", param: null);
        if (body.Json?["messages"] is not JsonArray { Count: > 0 } messages)
            throw InvalidRequest("BadRequest", "'messages' is a required property", "messages");
        var parsed = new List<ChatMessage>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message.StringAt("role") is not { Length: > 0 } role)
                throw InvalidRequest("BadRequest", $"'messages[{i}]' must be an object with a 'role'.", $"messages[{i}]");
            var text = message["content"] switch
            {
                JsonValue value when value.TryGetValue<string>(out var s) => s,
                JsonArray parts => string.Join(" ", parts.OfType<JsonObject>().Where(p => p.StringAt("type") == "text").Select(p => p.StringAt("text") ?? "")),
                _ => "",
            };
            parsed.Add(new ChatMessage(role.ToLowerInvariant(), text));
        }
        return parsed;
    }

    /// <summary>Stable for the same deployment and body, so repeated runs give the same id.</summary>
    private static string CompletionId(ArmResource deployment, RequestBody body)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(deployment.Id.ToLowerInvariant() + "\n" + (body.Json?.ToJsonString() ?? "")));
        return "chatcmpl-" + Convert.ToHexStringLower(hash)[..29];
    }

    private static OpenAiException PromptFiltered(JsonObject promptResults) => new(400, new JsonObject
    {
        ["message"] = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt " +
            "and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        ["type"] = null,
        ["param"] = "prompt",
        ["code"] = "content_filter",
        ["status"] = 400,
        ["innererror"] = new JsonObject { ["code"] = "ResponsibleAIPolicyViolation", ["content_filter_result"] = promptResults },
    });

    private static OpenAiException InvalidRequest(string code, string message, string? param) => new(400, new JsonObject
    {
        ["code"] = code, ["message"] = message, ["param"] = param, ["type"] = "invalid_request_error",
    });

    private static ArmException NotFound() => new(404, "404", "Resource not found");

    private static bool Is(string value, string expected) => value.Equals(expected, StringComparison.OrdinalIgnoreCase);
}
