using System.Text.Json.Nodes;

namespace AoaiHardening.Emulator.Core;

/// <summary>
/// One answered request (ARM or a data plane). Deliberately holds no secrets: whether an Authorization header was sent,
/// never its value, and the request body only (access keys travel in response bodies, which are not recorded; a secret's
/// <c>value</c> in a Key Vault request body is replaced by <c>&lt;redacted&gt;</c>).
/// </summary>
/// <param name="Status">Null when the connection was reset instead of answered.</param>
/// <param name="Body">The request body as parsed JSON; null when there was none or it was not JSON.</param>
/// <param name="Fault">The kind of injected fault that shaped the answer, if any.</param>
/// <param name="Host">The host name the request was addressed to (no port): 127.0.0.1 for ARM, e.g.
/// <c>kv-a.vault.azure.net</c> for a vault's data plane.</param>
public sealed record LoggedRequest(
    long Seq,
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string? ApiVersion,
    int? Status,
    string? UserAgent,
    bool HasAuthorization,
    string? CorrelationId,
    JsonNode? Body,
    string? Fault,
    string? Host = null);

/// <summary>Thread-safe, bounded (oldest entries drop first) log of ARM requests, in arrival order.</summary>
public sealed class RequestLog
{
    private const int Capacity = 10_000;
    private readonly Lock sync = new();
    private readonly Queue<LoggedRequest> entries = new();
    private long seq;

    public IReadOnlyList<LoggedRequest> Snapshot()
    {
        lock (sync)
            return entries.OrderBy(e => e.Seq).ToList();
    }

    /// <summary>Empties the log; numbering starts again at 1.</summary>
    public void Clear()
    {
        lock (sync)
        {
            entries.Clear();
            Interlocked.Exchange(ref seq, 0);
        }
    }

    /// <summary>Taken when the request arrives, so the order is arrival order even though entries are added on completion.</summary>
    internal long NextSeq() => Interlocked.Increment(ref seq);

    internal void Add(LoggedRequest entry)
    {
        lock (sync)
        {
            entries.Enqueue(entry);
            if (entries.Count > Capacity)
                entries.Dequeue();
        }
    }
}
