using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AoaiHardening.Arm
{
    /// <summary>
    /// Keeps each subscription's reads, writes and deletes inside ARM's token bucket, so a parallel scan waits a little
    /// instead of being answered 429 and retried. Every request naming a subscription takes a token from that
    /// subscription's local bucket (waiting when it is empty); ARM's <c>x-ms-ratelimit-remaining-subscription-*</c> header
    /// on each answer lowers the estimate when someone else spends the same budget, and a 429 closes the bucket for its
    /// Retry-After. One instance per client, so consecutive cmdlets in a session share what they learnt.
    /// </summary>
    internal sealed class ArmPacingPolicy : HttpPipelinePolicy
    {
        private const string SubscriptionsSegment = "/subscriptions/";
        private readonly ArmRequestLimits _limits;
        private readonly ConcurrentDictionary<string, Bucket> _buckets = new ConcurrentDictionary<string, Bucket>(StringComparer.OrdinalIgnoreCase);
        private long _pacedRequests;
        private long _pacedTicks;
        private long _throttled;

        public ArmPacingPolicy(ArmRequestLimits limits) => _limits = limits;

        /// <summary>Requests that waited for their subscription's budget, since the client was made.</summary>
        public long PacedRequests => Interlocked.Read(ref _pacedRequests);

        /// <summary>Time those requests waited in all.</summary>
        public TimeSpan PacedTime => TimeSpan.FromTicks(Interlocked.Read(ref _pacedTicks));

        /// <summary>429 answers seen (each is retried after its Retry-After by the retry policy).</summary>
        public long Throttled => Interlocked.Read(ref _throttled);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var bucket = BucketFor(message.Request);
            if (bucket == null)
            {
                ProcessNext(message, pipeline);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            TimeSpan wait;
            while ((wait = bucket.TryTake()) > TimeSpan.Zero) CancellableDelay.Wait(wait, message.CancellationToken);
            NotePacing(started);
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                Settle(bucket, message);
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var bucket = BucketFor(message.Request);
            if (bucket == null)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            TimeSpan wait;
            while ((wait = bucket.TryTake()) > TimeSpan.Zero)
                await Task.Delay(wait, message.CancellationToken).ConfigureAwait(false);
            NotePacing(started);
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                Settle(bucket, message);
            }
        }

        private void NotePacing(long started)
        {
            var waited = Stopwatch.GetTimestamp() - started;
            // Only a real wait counts (taking a token costs microseconds).
            if (waited * 1000 / Stopwatch.Frequency < 1) return;
            Interlocked.Increment(ref _pacedRequests);
            Interlocked.Add(ref _pacedTicks, (long)(waited * (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        }

        private void Settle(Bucket bucket, HttpMessage message)
        {
            int? remaining = null;
            TimeSpan? retryAfter = null;
            if (message.HasResponse)
            {
                var response = message.Response;
                if (response.Headers.TryGetValue(bucket.Header, out var value) &&
                    int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) && left >= 0)
                    remaining = left;
                if (response.Status == 429)
                {
                    Interlocked.Increment(ref _throttled);
                    retryAfter = response.Headers.TryGetValue("Retry-After", out var ra) &&
                                 int.TryParse(ra, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                        ? TimeSpan.FromSeconds(seconds)
                        : TimeSpan.FromSeconds(1);
                }
            }
            bucket.Settle(remaining, retryAfter);
        }

        /// <summary>The bucket of the subscription and kind of this request; null for tenant-level requests (not paced).</summary>
        private Bucket? BucketFor(Request request)
        {
            var subscription = SubscriptionOf(request.Uri.Path);
            if (subscription == null) return null;
            var method = request.Method;
            string kind;
            RequestBudget budget;
            if (method == RequestMethod.Get || method == RequestMethod.Head) (kind, budget) = ("reads", _limits.Reads);
            else if (method == RequestMethod.Delete) (kind, budget) = ("deletes", _limits.Deletes);
            else (kind, budget) = ("writes", _limits.Writes);
            return _buckets.GetOrAdd(subscription + "|" + kind, _ => new Bucket(budget, "x-ms-ratelimit-remaining-subscription-" + kind));
        }

        internal static string? SubscriptionOf(string path)
        {
            if (!path.StartsWith(SubscriptionsSegment, StringComparison.OrdinalIgnoreCase)) return null;
            var start = SubscriptionsSegment.Length;
            var end = path.IndexOf('/', start);
            var id = end < 0 ? path.Substring(start) : path.Substring(start, end - start);
            return id.Length == 0 ? null : id;
        }

        /// <summary>
        /// The local estimate of one subscription's budget for one kind of request. Tokens are taken when a request is sent;
        /// ARM's header tells what was left when it handled a request, so the estimate is lowered to that figure minus the
        /// requests still in flight (never raised by it: out-of-order answers could overstate it).
        /// </summary>
        internal sealed class Bucket
        {
            private readonly object _sync = new object();
            private readonly RequestBudget _budget;
            private double _tokens;
            private long _stamp = Stopwatch.GetTimestamp();
            private long _blockedUntil;
            private int _inFlight;

            public Bucket(RequestBudget budget, string header)
            {
                _budget = budget;
                _tokens = budget.Capacity;
                Header = header;
            }

            public string Header { get; }

            /// <summary>Takes a token and returns zero, or returns how long to wait before trying again.</summary>
            public TimeSpan TryTake()
            {
                lock (_sync)
                {
                    var now = Stopwatch.GetTimestamp();
                    Refill(now);
                    if (now < _blockedUntil) return Ticks(_blockedUntil - now);
                    if (_tokens >= 1)
                    {
                        _tokens--;
                        _inFlight++;
                        return TimeSpan.Zero;
                    }
                    var seconds = (1 - _tokens) / _budget.RefillPerSecond;
                    // Wake at least every second: another thread's answer may have changed the picture.
                    return TimeSpan.FromSeconds(Math.Min(Math.Max(seconds, 0.005), 1));
                }
            }

            public void Settle(int? remaining, TimeSpan? retryAfter)
            {
                lock (_sync)
                {
                    _inFlight = Math.Max(0, _inFlight - 1);
                    var now = Stopwatch.GetTimestamp();
                    Refill(now);
                    if (remaining is int left) _tokens = Math.Min(_tokens, left - _inFlight);
                    if (retryAfter is TimeSpan delay)
                    {
                        _tokens = Math.Min(_tokens, 0);
                        _blockedUntil = Math.Max(_blockedUntil, now + (long)(delay.TotalSeconds * Stopwatch.Frequency));
                    }
                }
            }

            private void Refill(long now)
            {
                var elapsed = (now - _stamp) / (double)Stopwatch.Frequency;
                _stamp = now;
                _tokens = Math.Min(_budget.Capacity, _tokens + elapsed * _budget.RefillPerSecond);
            }

            private static TimeSpan Ticks(long stopwatchTicks) => TimeSpan.FromSeconds(stopwatchTicks / (double)Stopwatch.Frequency);
        }
    }
}
