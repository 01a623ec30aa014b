using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AoaiHardening.Arm
{
    /// <summary>Sets User-Agent to "AoaiHardening/&lt;version&gt; (...)" on every request, including retries.</summary>
    internal sealed class UserAgentPolicy : HttpPipelineSynchronousPolicy
    {
        private readonly string _userAgent;

        public UserAgentPolicy(string moduleVersion)
        {
            _userAgent = $"AoaiHardening/{moduleVersion} ({RuntimeInformation.FrameworkDescription.Trim()}; {RuntimeInformation.OSDescription.Trim()})";
        }

        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("User-Agent", _userAgent);
    }

    /// <summary>
    /// Reports each attempt (method, path, api-version, status, ARM request id, time) to the sink the caller attached
    /// to the message. Only these fields: headers, query secrets and bodies never leave this policy.
    /// </summary>
    internal sealed class RequestTracePolicy : HttpPipelinePolicy
    {
        internal const string SinkProperty = "AoaiHardening.TraceSink";

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                Trace(message, sw);
            }
        }

        public override async System.Threading.Tasks.ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                Trace(message, sw);
            }
        }

        private static void Trace(HttpMessage message, Stopwatch sw)
        {
            if (!message.TryGetProperty(SinkProperty, out var value) || !(value is Action<string> sink)) return;
            var uri = message.Request.Uri.ToUri();
            var status = message.HasResponse ? message.Response.Status.ToString() : "no response";
            string? requestId = null;
            if (message.HasResponse) message.Response.Headers.TryGetValue("x-ms-request-id", out requestId);
            sink($"ARM {message.Request.Method} {uri.AbsolutePath}{ApiVersionOf(uri)} -> {status} in {sw.ElapsedMilliseconds} ms" +
                 (requestId != null ? $" (x-ms-request-id {requestId})" : string.Empty));
        }

        private static string ApiVersionOf(Uri uri)
        {
            foreach (var part in uri.Query.TrimStart('?').Split('&'))
            {
                if (part.StartsWith("api-version=", StringComparison.OrdinalIgnoreCase)) return "?" + part;
            }
            return string.Empty;
        }
    }

    /// <summary>
    /// One line per attempt of a data-plane client to the cmdlet's debug stream: the service, method, URL without query
    /// (scheme, host, path), status, time and request id. Never headers (tokens, api-key) or bodies.
    /// </summary>
    internal sealed class DataPlaneTracePolicy : HttpPipelinePolicy
    {
        private readonly string _service;
        private readonly Action<string> _sink;

        public DataPlaneTracePolicy(string service, Action<string> sink)
        {
            _service = service;
            _sink = sink;
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var sw = Stopwatch.StartNew();
            try { ProcessNext(message, pipeline); }
            finally { Trace(message, sw); }
        }

        public override async System.Threading.Tasks.ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var sw = Stopwatch.StartNew();
            try { await ProcessNextAsync(message, pipeline).ConfigureAwait(false); }
            finally { Trace(message, sw); }
        }

        private void Trace(HttpMessage message, Stopwatch sw)
        {
            var uri = message.Request.Uri.ToUri();
            var status = message.HasResponse ? message.Response.Status.ToString() : "no response";
            // Key Vault answers with x-ms-request-id, Azure OpenAI with apim-request-id: the first one present.
            string? requestId = null;
            var header = "x-ms-request-id";
            if (message.HasResponse && !message.Response.Headers.TryGetValue(header, out requestId))
                message.Response.Headers.TryGetValue(header = "apim-request-id", out requestId);
            _sink($"{_service} {message.Request.Method} {uri.GetLeftPart(UriPartial.Path)} -> {status} in {sw.ElapsedMilliseconds} ms" +
                  (requestId != null ? $" ({header} {requestId})" : string.Empty));
        }
    }
}
