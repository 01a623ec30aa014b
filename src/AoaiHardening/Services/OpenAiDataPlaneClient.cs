using System;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// The Azure OpenAI inference data plane of one account (<c>{endpoint}openai/deployments/{name}/chat/completions</c>),
    /// behind our own types. One Azure.Core pipeline: retry on 408/429/5xx honouring Retry-After (the ARM settings'
    /// counts), a Microsoft Entra bearer token for the cloud's data-plane scope or an <c>api-key</c> header, our
    /// User-Agent, a debug trace of method, host and path only, and the connection's data-plane transport (proxy-aware).
    /// HTTP answers, errors included, come back as <see cref="ChatCompletionResponse"/>; only "no answer" throws.
    /// </summary>
    internal sealed class OpenAiDataPlaneClient
    {
        private readonly HttpPipeline _pipeline;
        private readonly string? _apiKey;

        private OpenAiDataPlaneClient(string accountName, Uri endpoint, HttpPipelinePolicy auth, string? apiKey, ArmClientSettings settings,
            HttpPipelineTransport transport, Action<string>? trace)
        {
            AccountName = accountName;
            Endpoint = endpoint;
            UsesKey = apiKey != null;
            _apiKey = apiKey;
            var options = new DataPlaneOptions { Transport = transport };
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = settings.MaxRetries;
            options.Retry.Delay = settings.RetryDelay;
            options.Retry.MaxDelay = settings.MaxRetryDelay;
            options.Retry.NetworkTimeout = settings.NetworkTimeout;
            // An api-key header may travel on these requests, and the bodies are probe prompts: no Azure.Core event-source
            // logging at all, no telemetry header (our User-Agent replaces it), no tracing spans.
            options.Diagnostics.IsLoggingEnabled = false;
            options.Diagnostics.IsLoggingContentEnabled = false;
            options.Diagnostics.IsTelemetryEnabled = false;
            options.Diagnostics.IsDistributedTracingEnabled = false;
            var perRetry = trace != null
                ? new HttpPipelinePolicy[] { auth, new DataPlaneTracePolicy("OpenAI", trace) }
                : new HttpPipelinePolicy[] { auth };
            _pipeline = HttpPipelineBuilder.Build(options, new HttpPipelinePolicy[] { new UserAgentPolicy(settings.ModuleVersion) }, perRetry,
                new ArmResponseClassifier());
        }

        /// <summary>Microsoft Entra ID: a bearer token for <paramref name="scope"/> (the cloud's data-plane scope).</summary>
        public static OpenAiDataPlaneClient WithToken(string accountName, Uri endpoint, TokenCredential credential, string scope,
            ArmClientSettings settings, HttpPipelineTransport transport, Action<string>? trace) =>
            new OpenAiDataPlaneClient(accountName, endpoint, new BearerTokenAuthenticationPolicy(credential, scope), null, settings, transport, trace);

        /// <summary>Key authentication: the account key in the <c>api-key</c> header, nowhere else.</summary>
        public static OpenAiDataPlaneClient WithKey(string accountName, Uri endpoint, string apiKey, ArmClientSettings settings,
            HttpPipelineTransport transport, Action<string>? trace) =>
            new OpenAiDataPlaneClient(accountName, endpoint, new ApiKeyPolicy(apiKey), apiKey, settings, transport, trace);

        public string AccountName { get; }
        public Uri Endpoint { get; }
        public bool UsesKey { get; }

        /// <summary>The request URI of a deployment's chat completions (the name is validated by the caller).</summary>
        public Uri ChatCompletionsUri(string deployment) =>
            new Uri(Endpoint, $"openai/deployments/{Uri.EscapeDataString(deployment)}/chat/completions?api-version={ApiVersions.OpenAiDataPlane}");

        /// <summary>
        /// POST chat/completions with <paramref name="messages"/> (sent as given) and max_tokens. Any HTTP answer is
        /// returned; no answer at all (DNS, proxy, TLS, timeout after the retries) or no token is an
        /// <see cref="OpenAiRequestException"/>. Cancellation (Ctrl+C) propagates as OperationCanceledException.
        /// </summary>
        public ChatCompletionResponse ChatCompletions(string deployment, JsonArray messages, int maxTokens, CancellationToken cancellationToken)
        {
            var uri = ChatCompletionsUri(deployment);
            var body = new JsonObject { ["messages"] = messages.DeepClone(), ["max_tokens"] = maxTokens };
            using var message = _pipeline.CreateMessage();
            message.Request.Method = RequestMethod.Post;
            message.Request.Uri.Reset(uri);
            message.Request.Headers.Add("Accept", "application/json");
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
            var what = $"Azure OpenAI: POST {uri.GetLeftPart(UriPartial.Path)}";
            try
            {
                _pipeline.Send(message, cancellationToken);
            }
            catch (Exception ex) when (Failure(ex, what, cancellationToken) is { } failure)
            {
                throw failure;
            }
            return ChatCompletionResponse.From(message.Response, Scrub);
        }

        /// <summary>Our exception for a request that got no HTTP answer; null for cancellation, which propagates as it is.</summary>
        private OpenAiRequestException? Failure(Exception ex, string what, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested) return null;
            // Retries that all ended in an exception arrive as one AggregateException: the last attempt's counts.
            if (ex is AggregateException aggregate)
            {
                var inner = aggregate.Flatten().InnerExceptions;
                if (inner.Count == 0) return null;
                ex = inner[inner.Count - 1];
            }
            switch (ex)
            {
                case CredentialUnavailableException cu:
                    return new OpenAiRequestException($"{what} failed: no Microsoft Entra token for the data plane ({Scrub(cu.Message)})", 401, "CredentialUnavailable");
                case AuthenticationFailedException af:
                    return new OpenAiRequestException($"{what} failed: no Microsoft Entra token for the data plane ({Scrub(af.Message)})", 401, "AuthenticationFailed");
                case RequestFailedException rf:
                    // No HTTP answer: the name does not resolve, a proxy or firewall refused, TLS failed.
                    return new OpenAiRequestException($"{what} failed: the endpoint could not be reached ({Scrub(Innermost(rf).Message)}). " +
                                                      "Check that this machine can reach the account (public network access, firewall rules, private endpoint DNS).",
                        0, "ConnectionFailed");
                case OperationCanceledException _:
                    return new OpenAiRequestException($"{what} timed out.", 0, "RequestTimeout");
                default:
                    return null;
            }
        }

        /// <summary>Belt and braces: no text we pass on may contain the key, whatever a server or transport echoes.</summary>
        private string Scrub(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
            return _apiKey != null && text!.IndexOf(_apiKey, StringComparison.Ordinal) >= 0 ? text.Replace(_apiKey, "<redacted>") : text!;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        public override string ToString() => $"OpenAiDataPlaneClient {Endpoint} ({(UsesKey ? "api-key" : "Microsoft Entra ID")})";

        /// <summary>ClientOptions subclass: Azure.Core builds pipelines from one.</summary>
        private sealed class DataPlaneOptions : ClientOptions
        {
        }

        /// <summary>Sets the <c>api-key</c> header on every attempt. Holds the key; shows it nowhere.</summary>
        private sealed class ApiKeyPolicy : HttpPipelineSynchronousPolicy
        {
            private readonly string _key;

            public ApiKeyPolicy(string key) => _key = key;

            public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("api-key", _key);

            public override string ToString() => "ApiKeyPolicy (value hidden)";
        }
    }

    /// <summary>
    /// An HTTP answer of the data plane: status, the parsed body, the error code and message (for status ≥ 400) and the
    /// request id. The completion text is never kept: a probe needs the verdict, not what the model said.
    /// </summary>
    internal sealed class ChatCompletionResponse
    {
        public ChatCompletionResponse(int status, JsonObject? body, string? requestId, string? errorCode, string? errorMessage)
        {
            Status = status;
            Body = body;
            RequestId = requestId;
            ErrorCode = errorCode;
            ErrorMessage = errorMessage;
        }

        public int Status { get; }
        /// <summary>The parsed answer (null when empty or not JSON).</summary>
        public JsonObject? Body { get; }
        public string? RequestId { get; }
        /// <summary>error.code of an error answer (e.g. content_filter, DeploymentNotFound, AuthenticationTypeDisabled); null otherwise.</summary>
        public string? ErrorCode { get; }
        public string? ErrorMessage { get; }

        internal static ChatCompletionResponse From(Response response, Func<string?, string> scrub)
        {
            JsonObject? json = null;
            var content = response.Content?.ToString();
            if (!string.IsNullOrWhiteSpace(content))
            {
                try { json = JsonNode.Parse(content!) as JsonObject; }
                catch (JsonException) { json = null; }
            }
            if (!response.Headers.TryGetValue("apim-request-id", out var requestId)) response.Headers.TryGetValue("x-ms-request-id", out requestId);
            string? code = null, message = null;
            if (response.Status >= 400)
            {
                // Azure OpenAI's envelope is {"error":{"code","message"}}; the 401s of the gateway use {"error":{"code":"401","message"}}.
                var error = json?["error"] as JsonObject;
                code = Json.Str(error?["code"]) ?? Json.Str(json?["statusCode"]);
                message = Json.Str(error?["message"]) ?? Json.Str(json?["message"]);
                if (message != null) message = scrub(Truncate(message));
            }
            return new ChatCompletionResponse(response.Status, json, requestId, code, message);
        }

        private static string Truncate(string s) => s.Length <= 500 ? s : s.Substring(0, 500) + "…";
    }

    /// <summary>
    /// A data-plane request that got no usable answer: status 0 (no answer) or 401 (no token), a code. Like
    /// KeyVaultRequestException, no inner exception and no response content: the message is all there is.
    /// </summary>
    public sealed class OpenAiRequestException : Exception
    {
        internal OpenAiRequestException(string message, int status, string errorCode) : base(message)
        {
            Status = status;
            ErrorCode = errorCode;
        }

        public int Status { get; }
        public string ErrorCode { get; }
    }
}
