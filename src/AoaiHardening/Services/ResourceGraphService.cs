using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using Azure.Core;
using AoaiHardening.Arm;

namespace AoaiHardening.Services
{
    /// <summary>
    /// Azure Resource Graph (2024-04-01, arm-api.md §8): one POST answers for hundreds of subscriptions. Subscriptions go
    /// in batches under ARG's 300 per query, pages are 1,000 rows followed by <c>$skipToken</c>, and the per-user quota
    /// (<c>x-ms-user-quota-remaining</c>, about 15 queries per 5 s) is respected by waiting for its reset rather than
    /// being answered 429. Rows stream as pages arrive.
    /// </summary>
    internal sealed class ResourceGraphService
    {
        /// <summary>facts.md: batch subscriptions under 300 per query.</summary>
        public const int MaxSubscriptionsPerQuery = 250;

        /// <summary>ARG's largest page.</summary>
        public const int PageSize = 1000;

        private const string Path = "/providers/Microsoft.ResourceGraph/resources";
        private readonly ArmClient _arm;
        private DateTimeOffset _quotaResetsAt = DateTimeOffset.MinValue;

        public ResourceGraphService(ArmClient arm) => _arm = arm;

        /// <summary>The rows of a query over these subscriptions (objectArray format), batch by batch and page by page.</summary>
        public IEnumerable<JsonObject> Query(string query, IReadOnlyList<string> subscriptions, ArmCallOptions call)
        {
            for (var offset = 0; offset < subscriptions.Count; offset += MaxSubscriptionsPerQuery)
            {
                var batch = subscriptions.Skip(offset).Take(MaxSubscriptionsPerQuery).ToList();
                string? skipToken = null;
                var tokens = new HashSet<string>(StringComparer.Ordinal);
                do
                {
                    WaitForQuota(call.CancellationToken);
                    var options = new JsonObject { ["$top"] = PageSize, ["resultFormat"] = "objectArray" };
                    if (skipToken != null) options["$skipToken"] = skipToken;
                    var body = new JsonObject
                    {
                        ["subscriptions"] = new JsonArray(batch.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                        ["query"] = query,
                        ["options"] = options,
                    };
                    var response = _arm.SendRaw(RequestMethod.Post, _arm.BuildUri(Path, ApiVersions.ResourceGraph), body, call);
                    NoteQuota(response);
                    if (response.Status >= 400)
                        throw response.ToException($"Resource Graph query over {batch.Count} subscription(s)");
                    if (response.Json?["data"] is JsonArray rows)
                    {
                        foreach (var row in rows)
                        {
                            if (row is JsonObject obj) yield return obj;
                        }
                    }
                    skipToken = Json.Str(response.Json?["$skipToken"]);
                    if (skipToken != null && !tokens.Add(skipToken))
                        throw new ArmRequestException("Resource Graph returned a $skipToken that repeats an earlier page; stopping to avoid an endless loop.",
                            0, "PagingLoop", null, null, null, "POST", Path);
                } while (!string.IsNullOrEmpty(skipToken));
            }
        }

        /// <summary>Quotes a string for KQL: single quotes, backslash and quote escaped.</summary>
        public static string Quote(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

        private void NoteQuota(ArmResponse response)
        {
            var remaining = response.Header("x-ms-user-quota-remaining");
            var resetsAfter = response.Header("x-ms-user-quota-resets-after");
            if (remaining == null || !int.TryParse(remaining, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) || left > 0) return;
            var wait = resetsAfter != null && TimeSpan.TryParse(resetsAfter, CultureInfo.InvariantCulture, out var span) ? span : TimeSpan.FromSeconds(5);
            // The header counts whole seconds (hh:mm:ss): one more makes sure the window has turned.
            _quotaResetsAt = DateTimeOffset.UtcNow + wait + TimeSpan.FromSeconds(1);
        }

        private void WaitForQuota(CancellationToken cancellation) => CancellableDelay.Wait(_quotaResetsAt - DateTimeOffset.UtcNow, cancellation);
    }
}
