using System.Net;
using AoaiHardening.Emulator.Control;
using AoaiHardening.Emulator.Core;
using AoaiHardening.Emulator.Identity;
using AoaiHardening.Emulator.KeyVault;
using AoaiHardening.Emulator.OpenAi;
using AoaiHardening.Emulator.Providers;
using AoaiHardening.Emulator.Proxy;
using AoaiHardening.Emulator.Tls;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AoaiHardening.Emulator;

/// <summary>
/// The ARM emulator as an in-process server: real HTTPS on 127.0.0.1, so tests exercise the same client stack
/// (TLS, headers, retries) that talks to management.azure.com.
/// </summary>
public sealed class ArmEmulator : IAsyncDisposable
{
    private readonly WebApplication app;

    private readonly ConnectProxy proxy;

    private ArmEmulator(WebApplication app, EmulatorState state, TlsMaterial tls, Uri baseUri, ConnectProxy proxy)
    {
        this.app = app;
        this.proxy = proxy;
        State = state;
        Tls = tls;
        BaseUri = baseUri;
    }

    /// <summary><c>https://127.0.0.1:PORT/</c>: use it where a client would use https://management.azure.com/.</summary>
    public Uri BaseUri { get; }

    /// <summary>
    /// <c>http://127.0.0.1:PORT</c>, the CONNECT proxy through which clients reach the emulator at real host names
    /// (<c>{vault}.vault.azure.net</c>): set HTTPS_PROXY to it and NO_PROXY to the loopback names.
    /// </summary>
    public Uri ProxyUri => proxy.Url;

    public EmulatorState State { get; }

    /// <summary>Where the CA and trust bundle are (clients need SSL_CERT_FILE = <see cref="TlsMaterial.TrustBundleFile"/>).</summary>
    public TlsMaterial Tls { get; }

    public static async Task<ArmEmulator> StartAsync(EmulatorOptions options, CancellationToken ct = default)
    {
        var tls = await TlsMaterial.EnsureAsync(options.TlsDirectory, ct);
        var state = new EmulatorState(options.Config);

        // The empty builder reads no appsettings or ASPNETCORE_* variables: nothing on the machine can change
        // what the emulator binds to, and startup stays short.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ArmEmulator).Assembly.GetName().Name });
        builder.Services.AddRoutingCore();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (options.ConsoleLogging)
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(tls.ServerCertificate));
        });

        var app = builder.Build();
        var pipeline = new ArmPipeline(state);
        var keyVault = new KeyVaultDataPlane(state);
        var openAi = new OpenAiDataPlane(state);
        var identity = new ManagedIdentityEndpoint(state);
        ConnectProxy? proxy = null;
        app.UseRouting();
        // Data planes first, by Host header: a vault or account host never reaches an ARM route or the control API.
        app.Use((ctx, next) => KeyVaultHost.TryParse(ctx.Request.Host.Host) is { } vault
            ? keyVault.InvokeAsync(ctx, vault)
            : OpenAiHost.TryParse(ctx.Request.Host.Host) is { } account
                ? openAi.InvokeAsync(ctx, account)
                : ctx.Request.Path.StartsWithSegments(ControlApi.Prefix)
                    ? ControlApi.CatchBadInput(ctx, next)
                    : ctx.Request.Path.StartsWithSegments(ManagedIdentityEndpoint.Path)
                        ? identity.InvokeAsync(ctx)
                        : pipeline.InvokeAsync(ctx, next));
        ControlApi.Map(app, state, () => proxy?.Url, identity);
        new ResourcesProvider(state).Map(app);
        new CognitiveServicesProvider(state).Map(app);
        new AuthorizationProvider(state).Map(app);
        new NetworkProvider(state).Map(app);
        new PrivateDnsProvider(state).Map(app);
        new KeyVaultProvider(state).Map(app);
        new InsightsProvider(state).Map(app);
        new SearchProvider(state).Map(app);
        new StorageProvider(state).Map(app);
        new ResourceGraphProvider(state).Map(app);
        new GenericProvider(state).Map(app);

        // After the providers: they register how seeded resources are split and completed (a virtual network's inline subnets).
        try
        {
            if (options.ScenarioJson is not null)
                state.LoadScenario(options.ScenarioJson);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address).Port;
        proxy = ConnectProxy.Start(host => ServedHosts.IsServed(state, host), port, options.ProxyPort,
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ConnectProxy>());
        // Ctrl+C / SIGTERM: close tunnels first, so Kestrel's graceful stop does not wait on idle proxied connections.
        app.Lifetime.ApplicationStopping.Register(proxy.Stop);
        return new ArmEmulator(app, state, tls, new Uri($"https://127.0.0.1:{port}/"), proxy);
    }

    /// <summary>Completes when the host stops (SIGTERM, Ctrl+C) or, after cancelling <paramref name="ct"/>, once it has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
