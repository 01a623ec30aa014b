namespace AoaiHardening.Emulator.Core;

public enum FaultKind
{
    /// <summary>Answer with <see cref="FaultSpec.Status"/> and an error envelope (e.g. 429 throttling).</summary>
    Status,
    /// <summary>Abort the connection: the client sees a reset, not an HTTP answer.</summary>
    Reset,
    /// <summary>The write is accepted, but its long-running operation ends Failed.</summary>
    LroFail,
    /// <summary>The write is accepted, but its long-running operation never finishes.</summary>
    LroStuck,
    /// <summary>Delay the request by <see cref="FaultSpec.LatencyMs"/>, then answer normally.</summary>
    Latency,
}

/// <summary>A fault to inject into the next <see cref="Count"/> matching requests.</summary>
public sealed record FaultSpec
{
    /// <summary>Case-insensitive substring of the request path (no query string); "" matches every path.</summary>
    public required string Path { get; init; }

    /// <summary>HTTP method to match; null matches any.</summary>
    public string? Method { get; init; }

    /// <summary>
    /// Case-insensitive substring of the request's host name (no port); null matches any host. Lets a fault target one
    /// vault's data plane (<c>kv-a.vault.azure.net</c>) rather than every request with a matching path.
    /// </summary>
    public string? Host { get; init; }

    public int Count { get; init; } = 1;
    public required FaultKind Kind { get; init; }

    /// <summary>HTTP status for <see cref="FaultKind.Status"/> (default 500) and for the failed operation's result (default 500).</summary>
    public int? Status { get; init; }

    /// <summary>Error code; defaults to the status' reason phrase in PascalCase (429 → TooManyRequests).</summary>
    public string? Code { get; init; }

    public string? Message { get; init; }

    /// <summary>Seconds, sent as a Retry-After header with a <see cref="FaultKind.Status"/> answer.</summary>
    public int? RetryAfter { get; init; }

    public int? LatencyMs { get; init; }

    internal bool IsOperationFault => Kind is FaultKind.LroFail or FaultKind.LroStuck;
    internal int StatusOrDefault => Status ?? 500;
    internal string CodeOrDefault => Code ?? ArmErrors.CodeFor(StatusOrDefault);

    internal string MessageOrDefault => Message ?? (Kind == FaultKind.LroFail
        ? "The operation failed (fault injected by the ARM emulator)."
        : $"The request failed with status {StatusOrDefault} (fault injected by the ARM emulator).");

    internal FaultSpec Validated()
    {
        ArgumentNullException.ThrowIfNull(Path);
        if (Count < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "count must be at least 1.");
        if (Status is < 400 or > 599) throw new ArgumentOutOfRangeException(nameof(Status), Status, "status must be an error status (400-599).");
        if (RetryAfter < 0) throw new ArgumentOutOfRangeException(nameof(RetryAfter), RetryAfter, "retryAfter must not be negative.");
        if (Kind == FaultKind.Latency && LatencyMs is null or < 0)
            throw new ArgumentOutOfRangeException(nameof(LatencyMs), LatencyMs, "A latency fault needs latencyMs >= 0.");
        return this;
    }

    internal ArmException ToError()
    {
        var error = new ArmException(StatusOrDefault, CodeOrDefault, MessageOrDefault);
        return RetryAfter is { } seconds ? error.WithHeader("Retry-After", seconds.ToString()) : error;
    }
}

/// <summary>A fault still armed, with how many more requests it will affect.</summary>
public sealed record PendingFault(FaultSpec Spec, int Remaining);

/// <summary>Armed faults, consumed in the order they were added (the first match wins; one fault per request).</summary>
public sealed class FaultInjector
{
    private readonly Lock sync = new();
    private readonly List<Armed> armed = [];

    public void Add(FaultSpec fault)
    {
        var checkedFault = fault.Validated();
        lock (sync)
            armed.Add(new Armed(checkedFault) { Remaining = checkedFault.Count });
    }

    public IReadOnlyList<PendingFault> Pending()
    {
        lock (sync)
            return armed.Select(a => new PendingFault(a.Spec, a.Remaining)).ToList();
    }

    public void Clear()
    {
        lock (sync)
            armed.Clear();
    }

    /// <summary>Takes the fault (status, reset or latency) that shapes this request, if any.</summary>
    internal FaultSpec? TakeForRequest(string method, string path, string? host = null) => Take(method, path, host, operationFault: false);

    /// <summary>Takes the fault (lroFail or lroStuck) for the operation a write request is about to start, if any.</summary>
    internal FaultSpec? TakeForOperation(string method, string path, string? host = null) => Take(method, path, host, operationFault: true);

    private FaultSpec? Take(string method, string path, string? host, bool operationFault)
    {
        lock (sync)
        {
            var match = armed.FirstOrDefault(a => a.Spec.IsOperationFault == operationFault
                && path.Contains(a.Spec.Path, StringComparison.OrdinalIgnoreCase)
                && (a.Spec.Method is null || a.Spec.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
                && (a.Spec.Host is null || (host ?? "").Contains(a.Spec.Host, StringComparison.OrdinalIgnoreCase)));
            if (match is null)
                return null;
            if (--match.Remaining == 0)
                armed.Remove(match);
            return match.Spec;
        }
    }

    private sealed class Armed(FaultSpec spec)
    {
        public FaultSpec Spec { get; } = spec;
        public int Remaining { get; set; }
    }
}
