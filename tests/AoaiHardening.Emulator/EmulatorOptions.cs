using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Tls;

namespace AoaiHardening.Emulator;

/// <summary>How to start an <see cref="ArmEmulator"/>; the CLI flags map one to one onto these.</summary>
public sealed class EmulatorOptions
{
    /// <summary>HTTPS port on 127.0.0.1; 0 picks a free one (read it back from <see cref="ArmEmulator.BaseUri"/>).</summary>
    public int Port { get; init; }

    /// <summary>The CONNECT proxy's port on 127.0.0.1; 0 picks a free one (read it back from <see cref="ArmEmulator.ProxyUri"/>).</summary>
    public int ProxyPort { get; init; }

    /// <summary>Where the CA, server certificate and trust bundle live (created when missing).</summary>
    public string TlsDirectory { get; init; } = TlsMaterial.DefaultDirectory;

    /// <summary>Scenario JSON to seed the state with; null starts empty (no subscriptions).</summary>
    public string? ScenarioJson { get; init; }

    /// <summary>The startup config; a scenario's "config" overrides it field by field.</summary>
    public EmulatorConfig Config { get; init; } = new();

    /// <summary>Warnings and errors to the console (the CLI wants them; in-process tests usually do not).</summary>
    public bool ConsoleLogging { get; init; } = true;
}
