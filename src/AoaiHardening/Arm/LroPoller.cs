using System;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Core;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// Waits for an ARM long-running operation (Azure RPC async-api-reference): polls Azure-AsyncOperation when present
    /// (200 + status body), else Location (202 while running), else the resource's provisioningState; honours
    /// Retry-After; stops on Succeeded/Failed/Canceled or the overall timeout; then reads the final state.
    /// </summary>
    internal sealed class LroPoller
    {
        private readonly ArmClient _client;
        private readonly RequestMethod _method;
        private readonly Uri _originalUri;
        private readonly string _apiVersion;
        private readonly LroFinalState _finalState;
        private readonly ArmCallOptions _call;
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();
        private int _polls;

        public LroPoller(ArmClient client, RequestMethod method, Uri originalUri, string apiVersion, LroFinalState finalState, ArmCallOptions call)
        {
            _client = client;
            _method = method;
            _originalUri = originalUri;
            _apiVersion = apiVersion;
            _finalState = finalState;
            _call = call;
        }

        public JsonObject? WaitForCompletion(ArmResponse initial)
        {
            var asyncUrl = initial.Header("Azure-AsyncOperation");
            var locationUrl = initial.Header("Location");
            if (initial.Status == 204) return null;

            if (asyncUrl != null) return PollAsyncOperation(_client.BuildUri(asyncUrl, _apiVersion), locationUrl, initial);
            if (locationUrl != null) return PollLocation(_client.BuildUri(locationUrl, _apiVersion), initial);
            return PollProvisioningState(initial);
        }

        private JsonObject? PollAsyncOperation(Uri statusUri, string? locationUrl, ArmResponse last)
        {
            while (true)
            {
                Wait(last);
                last = _client.SendRaw(RequestMethod.Get, statusUri, null, _call);
                if (last.Status >= 400) throw last.ToException($"Reading the status of the {_method} operation on {_originalUri.AbsolutePath}");
                var status = Str(last.Json?["status"]) ?? "InProgress";
                Report(status, last.Json?["percentComplete"]);
                if (IsFailed(status)) throw OperationFailed(status, last.Json?["error"] as JsonObject, last);
                if (Eq(status, "Succeeded")) break;
            }
            return ReadFinal(locationUrl);
        }

        private JsonObject? PollLocation(Uri locationUri, ArmResponse last)
        {
            while (true)
            {
                Wait(last);
                last = _client.SendRaw(RequestMethod.Get, locationUri, null, _call);
                if (last.Status == 202)
                {
                    Report("InProgress", null);
                    continue;
                }
                if (last.Status >= 400) throw last.ToException($"The {_method} operation on {_originalUri.AbsolutePath}");
                Report("Succeeded", 100);
                if (_method == RequestMethod.Delete || last.Status == 204) return null;
                // The Location result is the final state for 'location' operations; for the others ARM's default is the resource itself.
                return _finalState == LroFinalState.Location || _method == RequestMethod.Post ? last.Json : ReadFinal(null);
            }
        }

        private JsonObject? PollProvisioningState(ArmResponse last)
        {
            while (true)
            {
                var state = Str((last.Json?["properties"] as JsonObject)?["provisioningState"]);
                // Absent provisioningState means Succeeded (RPC); only PUT/PATCH bodies describe the resource.
                if (state == null || _method == RequestMethod.Delete || _method == RequestMethod.Post)
                    return _method == RequestMethod.Delete ? null : last.Json;
                Report(state, null);
                if (IsFailed(state)) throw OperationFailed(state, null, last);
                if (Eq(state, "Succeeded")) return last.Json;
                Wait(last);
                last = _client.SendRaw(RequestMethod.Get, _originalUri, null, _call);
                if (last.Status >= 400) throw last.ToException($"Reading {_originalUri.AbsolutePath} while waiting for the {_method}");
            }
        }

        private JsonObject? ReadFinal(string? locationUrl)
        {
            if (_method == RequestMethod.Delete) return null;
            if ((_finalState == LroFinalState.Location || _method == RequestMethod.Post) && locationUrl != null)
            {
                var result = _client.SendRaw(RequestMethod.Get, _client.BuildUri(locationUrl, _apiVersion), null, _call);
                if (result.Status >= 400) throw result.ToException($"Reading the result of the {_method} on {_originalUri.AbsolutePath}");
                return result.Json;
            }
            if (_method == RequestMethod.Post) return null;
            var final = _client.SendRaw(RequestMethod.Get, _originalUri, null, _call);
            if (final.Status >= 400) throw final.ToException($"Reading {_originalUri.AbsolutePath} after the {_method}");
            return final.Json;
        }

        /// <summary>Sleeps for Retry-After (bounded), or the default interval; Ctrl+C interrupts; the overall timeout ends the wait.</summary>
        private void Wait(ArmResponse last)
        {
            var settings = _client.Settings;
            if (_elapsed.Elapsed >= settings.LroTimeout)
            {
                throw new ArmRequestException(
                    $"The {_method} operation on {_originalUri.AbsolutePath} did not finish within {Describe(settings.LroTimeout)} " +
                    $"({_polls} polls). It may still complete; check the resource before retrying.",
                    0, "OperationTimedOut", null, last.Header("x-ms-request-id"), null, _method.ToString(), _originalUri.AbsolutePath);
            }
            var delay = last.RetryAfter ?? settings.DefaultPollInterval;
            // "Retry-After: 0" must not become a hot loop: back off from 50 ms up to the default interval.
            if (delay <= TimeSpan.Zero)
                delay = TimeSpan.FromMilliseconds(Math.Min(50 * Math.Pow(2, Math.Min(_polls, 10)), settings.DefaultPollInterval.TotalMilliseconds));
            if (delay > settings.MaxPollInterval) delay = settings.MaxPollInterval;
            var remaining = settings.LroTimeout - _elapsed.Elapsed;
            if (delay > remaining) delay = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            CancellableDelay.Wait(delay, _call.CancellationToken);
            _polls++;
        }

        private static string Describe(TimeSpan timeout) =>
            timeout.TotalSeconds < 120 ? $"{timeout.TotalSeconds:0.##} s" : $"{timeout.TotalMinutes:0.##} min";

        private void Report(string status, JsonNode? percent)
        {
            int? pct = percent is JsonValue v && v.TryGetValue(out double d) ? (int)d : (int?)null;
            _call.Progress?.Invoke(new LroProgress(status, pct, _elapsed.Elapsed, _polls));
        }

        private ArmRequestException OperationFailed(string status, JsonObject? error, ArmResponse last)
        {
            var code = Str(error?["code"]) ?? "Operation" + status;
            var message = Str(error?["message"]) ?? "no error details were returned";
            return new ArmRequestException(
                $"The {_method} operation on {_originalUri.AbsolutePath} ended {status}: {code}: {message}",
                last.Status, code, Str(error?["target"]), last.Header("x-ms-request-id"), last.Header("x-ms-correlation-request-id"),
                _method.ToString(), _originalUri.AbsolutePath) { ServiceMessage = message };
        }

        private static bool IsFailed(string status) => Eq(status, "Failed") || Eq(status, "Canceled") || Eq(status, "Cancelled");
        private static bool Eq(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue(out string? s) ? s : null;
    }
}
