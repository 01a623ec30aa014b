using System.Text.Json.Serialization;

namespace AoaiHardening.Emulator.Core;

/// <summary>How writes answer: which LRO headers they carry, or none at all (<see cref="Sync"/>).</summary>
public enum LroStyle { Both, Async, Location, Sync }

/// <summary>Behaviour knobs. Immutable: change them with <c>state.Config = state.Config with { ... }</c>.</summary>
public sealed record EmulatorConfig
{
    /// <summary>Items per page of list responses.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>Polls (of either LRO URL) an operation needs before it reports a terminal status; 0 = done at once.</summary>
    public int LroPolls { get; init; } = 1;

    /// <summary>Value of Retry-After on LRO responses; 0 lets tests poll without waiting.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    public LroStyle LroStyle { get; init; } = LroStyle.Both;

    /// <summary>Delay added to every ARM request.</summary>
    public int LatencyMs { get; init; }

    internal EmulatorConfig Validated()
    {
        if (PageSize < 1) throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "pageSize must be at least 1.");
        if (LroPolls < 0) throw new ArgumentOutOfRangeException(nameof(LroPolls), LroPolls, "lroPolls must not be negative.");
        if (RetryAfterSeconds < 0) throw new ArgumentOutOfRangeException(nameof(RetryAfterSeconds), RetryAfterSeconds, "retryAfterSeconds must not be negative.");
        if (LatencyMs < 0) throw new ArgumentOutOfRangeException(nameof(LatencyMs), LatencyMs, "latencyMs must not be negative.");
        return this;
    }
}

/// <summary>A partial config (scenario "config" or POST /_emulator/config): only the fields present change.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt knob must fail loudly, not be ignored
internal sealed record ConfigPatch(int? PageSize, int? LroPolls, int? RetryAfterSeconds, LroStyle? LroStyle, int? LatencyMs)
{
    public EmulatorConfig ApplyTo(EmulatorConfig config) => (config with
    {
        PageSize = PageSize ?? config.PageSize,
        LroPolls = LroPolls ?? config.LroPolls,
        RetryAfterSeconds = RetryAfterSeconds ?? config.RetryAfterSeconds,
        LroStyle = LroStyle ?? config.LroStyle,
        LatencyMs = LatencyMs ?? config.LatencyMs,
    }).Validated();
}
