using System.Diagnostics;
using System.Text.Json;
using AoaiHardening.Emulator;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Tls;

// CLI entry point: parse flags, start the emulator, announce readiness, run until stopped or the parent exits.
const string Usage = """
    AoaiHardening ARM emulator: Azure Resource Manager over HTTPS on 127.0.0.1.
      --tls-dir DIR         TLS material (default: $AOAI_EMULATOR_TLS_DIR, else ./emulator-tls)
      --init-tls            create/refresh the TLS material, print the trust bundle path, exit
      --port N              HTTPS port (default 0 = any free port)
      --proxy-port N        CONNECT proxy port for real host names, e.g. {vault}.vault.azure.net (default 0 = any free port)
      --scenario FILE       seed state from a scenario JSON file
      --ready-file FILE     once listening, write {"url","port","proxyUrl","pid","caFile","trustBundle"} there
      --parent-pid PID      exit when that process exits
      --page-size N         list page size (default 100)
      --lro-polls N         polls before an operation completes (default 1)
      --retry-after N       Retry-After seconds on LRO responses (default 1)
      --lro-style S         both|async|location|sync (default both)
    """;

CommandLine cli;
try
{
    cli = CommandLine.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {e.Message}\n\n{Usage}");
    return 2;
}
if (cli.Help)
{
    Console.WriteLine(Usage);
    return 0;
}
if (cli.InitTls)
{
    Console.WriteLine((await TlsMaterial.EnsureAsync(cli.TlsDirectory)).TrustBundleFile);
    return 0;
}

string? scenario = null;
try
{
    if (cli.ScenarioFile is not null)
        scenario = await File.ReadAllTextAsync(cli.ScenarioFile);
    await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
    {
        Port = cli.Port,
        ProxyPort = cli.ProxyPort,
        TlsDirectory = cli.TlsDirectory,
        ScenarioJson = scenario,
        Config = cli.Config,
    });
    var url = emulator.BaseUri.GetLeftPart(UriPartial.Authority);
    if (cli.ReadyFile is not null)
    {
        var ready = new { url, port = emulator.BaseUri.Port, proxyUrl = emulator.ProxyUri.GetLeftPart(UriPartial.Authority), pid = Environment.ProcessId, caFile = emulator.Tls.CaFile, trustBundle = emulator.Tls.TrustBundleFile };
        TlsMaterial.WriteAtomically(Path.GetFullPath(cli.ReadyFile), JsonSerializer.Serialize(ready));
    }
    Console.WriteLine($"EMULATOR READY {url}");

    using var stop = new CancellationTokenSource();
    if (cli.ParentPid is { } parentPid)
        _ = WatchParentAsync(parentPid, stop);
    await emulator.WaitForShutdownAsync(stop.Token);
    return 0;
}
catch (Exception e) when (e is IOException or ScenarioException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// Polls rather than waits on the process: a non-child's exit cannot be awaited portably, and a second's delay is fine.
static async Task WatchParentAsync(int pid, CancellationTokenSource stop)
{
    while (IsRunning(pid))
        await Task.Delay(TimeSpan.FromSeconds(1));
    await stop.CancelAsync();

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }
}

/// <summary>The parsed command line.</summary>
internal sealed record CommandLine
{
    public bool Help { get; private init; }
    public bool InitTls { get; private init; }
    public string TlsDirectory { get; private init; } = TlsMaterial.DefaultDirectory;
    public int Port { get; private init; }
    public int ProxyPort { get; private init; }
    public string? ScenarioFile { get; private init; }
    public string? ReadyFile { get; private init; }
    public int? ParentPid { get; private init; }
    public EmulatorConfig Config { get; private init; } = new();

    public static CommandLine Parse(string[] args)
    {
        var cli = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            string Value() => ++i < args.Length ? args[i] : throw new ArgumentException($"{flag} needs a value.");
            int Number() => int.Parse(Value());
            cli = flag switch
            {
                "--help" or "-h" => cli with { Help = true },
                "--init-tls" => cli with { InitTls = true },
                "--tls-dir" => cli with { TlsDirectory = Path.GetFullPath(Value()) },
                "--port" => cli with { Port = Number() },
                "--proxy-port" => cli with { ProxyPort = Number() },
                "--scenario" => cli with { ScenarioFile = Value() },
                "--ready-file" => cli with { ReadyFile = Value() },
                "--parent-pid" => cli with { ParentPid = Number() },
                "--page-size" => cli with { Config = cli.Config with { PageSize = Number() } },
                "--lro-polls" => cli with { Config = cli.Config with { LroPolls = Number() } },
                "--retry-after" => cli with { Config = cli.Config with { RetryAfterSeconds = Number() } },
                "--lro-style" => cli with { Config = cli.Config with { LroStyle = Enum.Parse<LroStyle>(Value(), ignoreCase: true) } },
                _ => throw new ArgumentException($"Unknown option '{flag}'."),
            };
        }
        cli.Config.Validated();
        return cli;
    }
}
