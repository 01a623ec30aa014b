using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using AoaiHardening.Emulator;
using AoaiHardening.Emulator.Tls;
using Xunit;

namespace AoaiHardening.Tests.Emulator;

/// <summary>The emulator as the Pester suites start it: a child process, announced through a ready file.</summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly string EmulatorDll = typeof(ArmEmulator).Assembly.Location;
    private readonly string workDir = Directory.CreateTempSubdirectory("aoai-cli-test-").FullName;

    public void Dispose() => Directory.Delete(workDir, recursive: true);

    [Fact]
    public async Task Init_tls_creates_the_material_and_prints_the_bundle_path()
    {
        var tlsDir = Path.Combine(workDir, "tls");

        var (exitCode, stdout, _) = await RunToEndAsync("--init-tls", "--tls-dir", tlsDir);

        Assert.Equal(0, exitCode);
        Assert.Equal(Path.Combine(tlsDir, "trust-bundle.pem"), stdout.Trim());
        Assert.True(File.Exists(Path.Combine(tlsDir, "ca.pem")));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port")]
    [InlineData("--lro-style", "sometimes")]
    [InlineData("--page-size", "0")]
    public async Task Bad_arguments_exit_2_with_usage(params string[] args)
    {
        var (exitCode, _, stderr) = await RunToEndAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains("--ready-file", stderr);
    }

    [Fact]
    public async Task Serves_a_scenario_and_announces_itself_in_the_ready_file()
    {
        var readyFile = Path.Combine(workDir, "ready.json");
        var tls = TlsMaterial.DefaultDirectory; // the directory this test process trusts
        using var emulator = Start("--tls-dir", tls, "--scenario", ScenarioFile(), "--ready-file", readyFile,
            "--parent-pid", Environment.ProcessId.ToString(), "--page-size", "1", "--lro-style", "sync");
        try
        {
            var ready = JsonNode.Parse(await WaitForFileAsync(readyFile))!;
            var url = (string)ready["url"]!;
            Assert.Matches("^https://127\\.0\\.0\\.1:\\d+$", url);
            Assert.Equal(new Uri(url).Port, (int)ready["port"]!);
            Assert.Equal(emulator.Id, (int)ready["pid"]!);
            Assert.Equal(Path.Combine(tls, "ca.pem"), (string?)ready["caFile"]);
            Assert.Equal(Path.Combine(tls, "trust-bundle.pem"), (string?)ready["trustBundle"]);
            Assert.Equal($"EMULATOR READY {url}", (await emulator.StandardOutput.ReadLineAsync())?.Trim());

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "t");
            var groups = await (await http.GetAsync("/subscriptions/00000000-0000-0000-0000-00000000c0de/resourcegroups?api-version=2025-04-01")).JsonAsync();
            Assert.Single(groups["value"]!.AsArray()); // --page-size 1
            Assert.NotNull(groups["nextLink"]);
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
            await emulator.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Exits_when_its_parent_is_gone()
    {
        using var parent = Process.Start(new ProcessStartInfo("dotnet", "--version") { RedirectStandardOutput = true })!;
        await parent.WaitForExitAsync();

        using var emulator = Start("--tls-dir", TlsMaterial.DefaultDirectory, "--parent-pid", parent.Id.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await emulator.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, emulator.ExitCode);
        }
        finally
        {
            if (!emulator.HasExited)
                emulator.Kill(entireProcessTree: true);
        }
    }

    private string ScenarioFile()
    {
        var file = Path.Combine(workDir, "demo-tenant.json");
        File.WriteAllText(file, ScenarioTests.DemoTenantJson());
        return file;
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(EmulatorDll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{path} did not appear.");
            await Task.Delay(50);
        }
        return await File.ReadAllTextAsync(path);
    }
}
