using System;
using System.Text.Json.Nodes;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// The one failure type of the ARM layer: an HTTP error, a failed or timed-out long-running operation, or a
    /// transport failure. Carries what an admin needs to act and to open a support case. Never carries tokens or keys:
    /// the message is the service's error text, and request bodies are not kept.
    /// </summary>
    public sealed class ArmRequestException : Exception
    {
        public ArmRequestException(string message, int status, string? errorCode, string? target, string? requestId,
            string? correlationId, string method, string resourcePath, Exception? innerException = null)
            : base(message, innerException)
        {
            Status = status;
            ErrorCode = errorCode;
            Target = target;
            RequestId = requestId;
            CorrelationId = correlationId;
            Method = method;
            ResourcePath = resourcePath;
        }

        /// <summary>HTTP status; 0 when no response arrived (network, TLS, timeout).</summary>
        public int Status { get; }
        /// <summary>The ARM error code, e.g. ResourceNotFound, AuthorizationFailed; for LRO failures the operation's code.</summary>
        public string? ErrorCode { get; }
        public string? Target { get; }
        public string? RequestId { get; }
        public string? CorrelationId { get; }
        public string Method { get; }
        /// <summary>The request path without the query string.</summary>
        public string ResourcePath { get; }
        /// <summary>The service's own error message (without our framing).</summary>
        public string? ServiceMessage { get; internal set; }

        /// <summary>Reads an ARM error body: the wrapped envelope {"error":{…}} or the unwrapped {code,message} some RPs send.</summary>
        internal static (string? Code, string? Message, string? Target) ParseErrorBody(string? content)
        {
            if (string.IsNullOrWhiteSpace(content)) return (null, null, null);
            try
            {
                var node = JsonNode.Parse(content!) as JsonObject;
                if (node == null) return (null, null, null);
                var error = node["error"] as JsonObject ?? node;
                return (Str(error["code"]), Str(error["message"]), Str(error["target"]));
            }
            catch (System.Text.Json.JsonException)
            {
                return (null, null, null);
            }
        }

        private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : n?.ToJsonString();
    }
}
