using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AoaiHardening.Emulator.Proxy;

/// <summary>
/// An HTTPS (CONNECT) proxy on loopback that lets clients reach the emulator at real Azure host names such as
/// <c>kv-contoso-prod.vault.azure.net</c>, which do not resolve here. <c>CONNECT host:443</c> for a host the emulator
/// serves is answered <c>200 Connection established</c> and the bytes are piped, untouched, to the emulator's own HTTPS
/// endpoint: TLS is end to end between the client and Kestrel (the server certificate carries those names). Anything
/// else gets <c>502 Bad Gateway</c>: there is no internet here, and a vault that does not exist should look to the
/// client like a name that does not resolve.
/// </summary>
public sealed class ConnectProxy : IAsyncDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener listener;
    private readonly Func<string, bool> isServed;
    private readonly IPEndPoint upstream;
    private readonly ILogger? logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Task, bool> connections = new();
    private readonly Task acceptLoop;

    private ConnectProxy(TcpListener listener, Func<string, bool> isServed, IPEndPoint upstream, ILogger? logger)
    {
        this.listener = listener;
        this.isServed = isServed;
        this.upstream = upstream;
        this.logger = logger;
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        acceptLoop = AcceptLoopAsync();
    }

    /// <summary><c>http://127.0.0.1:PORT</c>: what HTTPS_PROXY should name.</summary>
    public Uri Url { get; }

    /// <param name="isServed">Whether a host name (lower case, no port) is one the emulator answers for.</param>
    /// <param name="upstreamPort">The emulator's HTTPS port on 127.0.0.1.</param>
    /// <param name="port">The proxy's own port on 127.0.0.1; 0 picks a free one.</param>
    public static ConnectProxy Start(Func<string, bool> isServed, int upstreamPort, int port = 0, ILogger? logger = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        return new ConnectProxy(listener, isServed, new IPEndPoint(IPAddress.Loopback, upstreamPort), logger);
    }

    /// <summary>Stops accepting and closes every open tunnel (both sockets), so a host shutdown is not held up by idle clients.</summary>
    public void Stop()
    {
        if (stopping.IsCancellationRequested)
            return;
        stopping.Cancel();
        listener.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            await acceptLoop.ConfigureAwait(false);
            await Task.WhenAll(connections.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Tunnels are closed by cancellation; one still unwinding after 5 s is not worth waiting for.
        }
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return; // stopped
            }
            var connection = Task.Run(() => HandleAsync(client));
            connections[connection] = true;
            _ = connection.ContinueWith(t => connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var downstreamClient = client;
        using var upstreamClient = new TcpClient();
        try
        {
            var downstream = client.GetStream();
            using var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            headerTimeout.CancelAfter(HeaderTimeout);
            var (head, leftover) = await ReadHeadAsync(downstream, headerTimeout.Token).ConfigureAwait(false);
            var target = head is null ? null : ParseConnect(head);
            if (target is not { } t || t.Port != 443 || !isServed(t.Host))
            {
                await RefuseAsync(downstream, target?.Host).ConfigureAwait(false);
                return;
            }

            try
            {
                await upstreamClient.ConnectAsync(upstream, stopping.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                await RefuseAsync(downstream, t.Host).ConfigureAwait(false);
                return;
            }
            await downstream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), stopping.Token).ConfigureAwait(false);
            var upstreamStream = upstreamClient.GetStream();
            if (leftover.Length > 0)
                await upstreamStream.WriteAsync(leftover, stopping.Token).ConfigureAwait(false);

            // Both directions until each side has finished sending: a half-close (EOF) is passed on as a half-close,
            // so a client that shuts down its sending side still gets the rest of the answer.
            using var stop = stopping.Token.Register(() =>
            {
                client.Client.Close();
                upstreamClient.Client.Close();
            });
            await Task.WhenAll(
                PumpAsync(client.Client, upstreamClient.Client),
                PumpAsync(upstreamClient.Client, client.Client)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A client or the emulator went away mid-tunnel, or we are stopping: nothing to report.
        }
        catch (Exception e)
        {
            logger?.LogWarning(e, "CONNECT proxy: unexpected failure");
        }
    }

    /// <summary>Copies until <paramref name="from"/> reaches EOF, then shuts down sending on <paramref name="to"/>.</summary>
    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                    break;
                var sent = 0;
                while (sent < read)
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // One side reset: close both, which ends the other direction too.
            from.Close();
            to.Close();
        }
    }

    /// <summary>Reads up to the blank line ending the request head; returns it and any bytes that came after it.</summary>
    private static async Task<(string? Head, byte[] Leftover)> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            if (read == 0)
                return (null, []);
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
        }
        return (null, []); // no end of head within 16 KiB: not a proxy request we understand
    }

    /// <summary><c>CONNECT host:port HTTP/1.x</c> → (host lower case, port); null for anything else.</summary>
    private static (string Host, int Port)? ParseConnect(string head)
    {
        var line = head.Split("\r\n", 2)[0].Split(' ');
        if (line.Length != 3 || line[0] != "CONNECT" || !line[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return null;
        var authority = line[1];
        var colon = authority.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(authority[(colon + 1)..], out var port))
            return null;
        var host = authority[..colon].Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        return host.Length == 0 ? null : (host, port);
    }

    private static async Task RefuseAsync(NetworkStream stream, string? host)
    {
        var text = Encoding.ASCII.GetBytes(host is null
            ? "The emulator's proxy only handles CONNECT host:443.\n"
            : $"The emulator does not serve {host}.\n");
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: {text.Length}\r\nConnection: close\r\n\r\n");
        try
        {
            await stream.WriteAsync(head).ConfigureAwait(false);
            await stream.WriteAsync(text).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client did not wait for the answer.
        }
    }
}
