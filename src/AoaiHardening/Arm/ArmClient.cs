using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// Our management-plane client: one Azure.Core pipeline (retry with Retry-After, bearer token for the cloud's ARM
    /// scope, user agent, trace) and the ARM conventions on top: api-version, error envelope, nextLink paging and
    /// long-running operations. Synchronous by design; thread-safe, so a scan may call it from several worker threads.
    /// </summary>
    public sealed class ArmClient
    {
        private readonly HttpPipeline _pipeline;
        private readonly TokenCredential _credential;

        public ArmClient(AzureEnvironment environment, TokenCredential credential, ArmClientSettings settings, HttpPipelineTransport? transport = null)
        {
            Environment = environment;
            Settings = settings;
            var options = new ArmPipelineOptions();
            options.Retry.Mode = RetryMode.Exponential;
            options.Retry.MaxRetries = settings.MaxRetries;
            options.Retry.Delay = settings.RetryDelay;
            options.Retry.MaxDelay = settings.MaxRetryDelay;
            options.Retry.NetworkTimeout = settings.NetworkTimeout;
            // Our own User-Agent policy replaces Azure.Core's telemetry header; Azure.Core's logging already redacts.
            options.Diagnostics.IsTelemetryEnabled = false;
            options.Diagnostics.IsDistributedTracingEnabled = false;
            if (transport != null) options.Transport = transport;
            Pacing = new ArmPacingPolicy(environment.Limits);
            _credential = credential;

            _pipeline = HttpPipelineBuilder.Build(
                options,
                new HttpPipelinePolicy[] { new UserAgentPolicy(settings.ModuleVersion) },
                // Pacing is per attempt: a retry after a 429 waits for the subscription's budget like any other request.
                new HttpPipelinePolicy[] { Pacing, new BearerTokenAuthenticationPolicy(credential, environment.ArmScope), new RequestTracePolicy() },
                new ArmResponseClassifier());
        }

        public AzureEnvironment Environment { get; }
        public ArmClientSettings Settings { get; }

        /// <summary>The per-subscription request budget every call goes through (and its counters).</summary>
        internal ArmPacingPolicy Pacing { get; }

        /// <summary>
        /// Gets the ARM token now, on the calling (pipeline) thread, before worker threads start: any sign-in happens
        /// here, and the workers then find the token in the credential's cache. A failure is left for the first request
        /// to report, with the context of what it was reading.
        /// </summary>
        internal void WarmUp(System.Threading.CancellationToken cancellation)
        {
            try
            {
                _credential.GetToken(new TokenRequestContext(new[] { Environment.ArmScope }), cancellation);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                // Reported by the first request instead.
            }
        }

        /// <summary>Sends a request and returns the parsed body (null when empty). Throws <see cref="ArmRequestException"/> on any failure.</summary>
        public JsonObject? Send(RequestMethod method, string pathOrUrl, string apiVersion, JsonNode? body, ArmCallOptions call,
            IReadOnlyDictionary<string, string>? headers = null)
        {
            var response = SendRaw(method, BuildUri(pathOrUrl, apiVersion), body, call, headers);
            if (response.Status >= 400) throw response.ToException();
            return response.Json;
        }

        /// <summary>GET of one resource.</summary>
        public JsonObject? Get(string path, string apiVersion, ArmCallOptions call) => Send(RequestMethod.Get, path, apiVersion, null, call);

        /// <summary>GET of one resource; null when it does not exist (404), so callers can decide to create it.</summary>
        public JsonObject? GetOrNull(string path, string apiVersion, ArmCallOptions call)
        {
            try
            {
                return Get(path, apiVersion, call);
            }
            catch (ArmRequestException ex) when (ex.Status == 404)
            {
                return null;
            }
        }

        /// <summary>Streams the items of a list, following nextLink page by page (zero-item pages with a nextLink are legal).</summary>
        public IEnumerable<JsonObject> List(string path, string apiVersion, ArmCallOptions call)
        {
            Uri? next = BuildUri(path, apiVersion);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (next != null)
            {
                if (!seen.Add(next.AbsoluteUri))
                    throw new ArmRequestException($"ARM GET {next.AbsolutePath} returned a nextLink that repeats an earlier page; stopping to avoid an endless loop.",
                        0, "PagingLoop", null, null, null, "GET", next.AbsolutePath);
                var page = SendRaw(RequestMethod.Get, next, null, call);
                if (page.Status >= 400) throw page.ToException();
                if (page.Json?["value"] is JsonArray items)
                {
                    foreach (var item in items)
                    {
                        if (item is JsonObject obj) yield return obj;
                    }
                }
                var nextLink = page.Json?["nextLink"] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrEmpty(s) ? s : null;
                next = nextLink == null ? null : BuildUri(nextLink, apiVersion);
            }
        }

        /// <summary>Starts a long-running operation and waits for it; returns the final resource (null for DELETE or an empty result).</summary>
        /// <param name="headers">Extra request headers, e.g. <c>If-None-Match: *</c> so a create never overwrites what someone else made.</param>
        public JsonObject? SendLongRunning(RequestMethod method, string path, string apiVersion, JsonNode? body, LroFinalState finalState, ArmCallOptions call,
            IReadOnlyDictionary<string, string>? headers = null)
        {
            var uri = BuildUri(path, apiVersion);
            var initial = SendRaw(method, uri, body, call, headers);
            if (initial.Status >= 400) throw initial.ToException();
            return new LroPoller(this, method, uri, apiVersion, finalState, call).WaitForCompletion(initial);
        }

        internal ArmResponse SendRaw(RequestMethod method, Uri uri, JsonNode? body, ArmCallOptions call, IReadOnlyDictionary<string, string>? headers = null)
        {
            using var message = _pipeline.CreateMessage();
            message.Request.Method = method;
            message.Request.Uri.Reset(uri);
            message.Request.Headers.Add("Accept", "application/json");
            message.Request.Headers.Add("x-ms-correlation-request-id", Guid.NewGuid().ToString());
            if (headers != null)
            {
                foreach (var header in headers) message.Request.Headers.SetValue(header.Key, header.Value);
            }
            if (body != null)
            {
                message.Request.Headers.Add("Content-Type", "application/json");
                message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
            }
            if (call.Trace != null) message.SetProperty(RequestTracePolicy.SinkProperty, call.Trace);

            try
            {
                _pipeline.Send(message, call.CancellationToken);
            }
            catch (Exception ex) when ((ex is AuthenticationFailedException || ex is CredentialUnavailableException) && !call.CancellationToken.IsCancellationRequested)
            {
                // No token for ARM (a refused client secret or certificate, no usable credential): an ARM failure like any
                // other, so each cmdlet reports it with its own error id, as Key Vault and the data plane already do.
                var detail = ex.InnerException == null ? ex.Message : $"{ex.Message.TrimEnd(' ', ':')}: {Innermost(ex).Message}";
                throw new ArmRequestException($"ARM {method} {uri.AbsolutePath} failed: no token for ARM: {detail}",
                    401, ex is AuthenticationFailedException ? "AuthenticationFailed" : "CredentialUnavailable", null, null, null, method.ToString(), uri.AbsolutePath, ex);
            }
            catch (RequestFailedException ex)
            {
                // Transport failure after retries (connection refused/reset, DNS, TLS): no response to read.
                throw new ArmRequestException($"ARM {method} {uri.AbsolutePath} failed: no response from {uri.Host}: {Innermost(ex).Message}",
                    0, "ConnectionFailed", null, null, null, method.ToString(), uri.AbsolutePath, ex);
            }
            catch (AggregateException ex) when (!call.CancellationToken.IsCancellationRequested)
            {
                // Azure.Core's retry policy wraps the transport failure of every attempt ("Retry failed after N tries").
                throw new ArmRequestException($"ARM {method} {uri.AbsolutePath} failed: no response from {uri.Host} after {ex.InnerExceptions.Count} attempt(s): {Innermost(ex.InnerExceptions[ex.InnerExceptions.Count - 1]).Message}",
                    0, "ConnectionFailed", null, null, null, method.ToString(), uri.AbsolutePath, ex);
            }
            catch (OperationCanceledException ex) when (!call.CancellationToken.IsCancellationRequested)
            {
                throw new ArmRequestException($"ARM {method} {uri.AbsolutePath} timed out after {Settings.NetworkTimeout.TotalSeconds:0} s.",
                    0, "RequestTimeout", null, null, null, method.ToString(), uri.AbsolutePath, ex);
            }
            return ArmResponse.From(method, uri, message.Response);
        }

        /// <summary>
        /// Resolves a relative ARM path or an absolute URL sent by ARM (nextLink, LRO headers). Absolute URLs must stay on
        /// the ARM endpoint's host: the bearer token goes wherever we send requests.
        /// </summary>
        internal Uri BuildUri(string pathOrUrl, string apiVersion)
        {
            Uri uri;
            if (pathOrUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || pathOrUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                uri = new Uri(pathOrUrl);
                if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) ||
                    !string.Equals(uri.Authority, Environment.ArmEndpoint.Authority, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArmRequestException($"ARM sent a link to '{uri.GetLeftPart(UriPartial.Authority)}', which is not the ARM endpoint '{Environment.ArmEndpoint.GetLeftPart(UriPartial.Authority)}'; not following it.",
                        0, "UntrustedLink", null, null, null, "GET", uri.AbsolutePath);
                }
            }
            else
            {
                uri = new Uri(Environment.ArmEndpoint, pathOrUrl.StartsWith("/", StringComparison.Ordinal) ? pathOrUrl : "/" + pathOrUrl);
            }
            if (uri.Query.IndexOf("api-version=", StringComparison.OrdinalIgnoreCase) < 0)
            {
                var builder = new UriBuilder(uri);
                var q = builder.Query.TrimStart('?');
                builder.Query = (q.Length > 0 ? q + "&" : string.Empty) + "api-version=" + Uri.EscapeDataString(apiVersion);
                uri = builder.Uri;
            }
            return uri;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }

        /// <summary>ClientOptions subclass: Azure.Core builds pipelines from one.</summary>
        private sealed class ArmPipelineOptions : ClientOptions
        {
        }
    }

    /// <summary>A buffered ARM response: status, the headers we use, and the parsed JSON body.</summary>
    internal sealed class ArmResponse
    {
        private ArmResponse(RequestMethod method, Uri uri, int status, string content, Func<string, string?> header)
        {
            Method = method;
            Uri = uri;
            Status = status;
            Content = content;
            Header = header;
            if (!string.IsNullOrWhiteSpace(content))
            {
                try { Json = JsonNode.Parse(content) as JsonObject; }
                catch (JsonException) { Json = null; }
            }
        }

        public RequestMethod Method { get; }
        public Uri Uri { get; }
        public int Status { get; }
        public string Content { get; }
        public JsonObject? Json { get; }
        public Func<string, string?> Header { get; }

        public static ArmResponse From(RequestMethod method, Uri uri, Response response)
        {
            var content = response.Content?.ToString() ?? string.Empty;
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var h in response.Headers) headers[h.Name] = h.Value;
            return new ArmResponse(method, uri, response.Status, content, name => headers.TryGetValue(name, out var v) ? v : null);
        }

        public ArmRequestException ToException(string? framing = null)
        {
            var (code, message, target) = ArmRequestException.ParseErrorBody(Content);
            var requestId = Header("x-ms-request-id");
            var text = $"{framing ?? $"ARM {Method} {Uri.AbsolutePath}"} failed with {Status} {code ?? ReasonOf(Status)}: {message ?? "(no error message)"}" +
                       (requestId != null ? $" (x-ms-request-id: {requestId})" : string.Empty);
            return new ArmRequestException(text, Status, code ?? ReasonOf(Status), target, requestId, Header("x-ms-correlation-request-id"),
                Method.ToString(), Uri.AbsolutePath) { ServiceMessage = message };
        }

        private static string ReasonOf(int status) => status switch
        {
            400 => "BadRequest", 401 => "Unauthorized", 403 => "Forbidden", 404 => "NotFound", 409 => "Conflict",
            412 => "PreconditionFailed", 429 => "TooManyRequests", 500 => "InternalServerError", 502 => "BadGateway",
            503 => "ServiceUnavailable", 504 => "GatewayTimeout", _ => "HttpError" + status,
        };

        /// <summary>Retry-After as seconds or an HTTP date; null when absent or unreadable.</summary>
        public TimeSpan? RetryAfter
        {
            get
            {
                var value = Header("Retry-After");
                if (string.IsNullOrEmpty(value)) return null;
                if (int.TryParse(value, out var seconds) && seconds >= 0) return TimeSpan.FromSeconds(seconds);
                if (DateTimeOffset.TryParse(value, out var when))
                {
                    var delta = when - DateTimeOffset.UtcNow;
                    return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
                }
                return null;
            }
        }
    }
}
