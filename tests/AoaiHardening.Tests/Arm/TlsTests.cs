using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using AoaiHardening.Arm;
using AoaiHardening.Auth;
using Xunit;

namespace AoaiHardening.Tests.Arm
{
    /// <summary>A server whose certificate nobody trusts: the request fails at once and is not retried.</summary>
    public class TlsTests
    {
        [Fact]
        public async Task An_untrusted_certificate_fails_without_retries()
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=untrusted.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            using var serverCertificate = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);

            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var handshakes = 0;
            using var stop = new CancellationTokenSource();
            var server = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient tcp;
                    try { tcp = await listener.AcceptTcpClientAsync(stop.Token); }
                    catch (OperationCanceledException) { return; }
                    Interlocked.Increment(ref handshakes);
                    try
                    {
                        using var ssl = new SslStream(tcp.GetStream());
                        await ssl.AuthenticateAsServerAsync(serverCertificate);
                    }
                    catch (Exception) { /* the client rejects the certificate: expected */ }
                    finally { tcp.Dispose(); }
                }
            });

            var environment = AzureEnvironment.Custom(AzureEnvironment.AzureCloud, new Uri($"https://127.0.0.1:{port}/"), null, null, null);
            var client = new ArmClient(environment, new StaticTokenCredential(ArmTestEmulator.Secure("t")),
                new ArmClientSettings { MaxRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(10) });
            var ex = Assert.Throws<ArmRequestException>(() => client.Get("/subscriptions/x", ApiVersions.Subscriptions, ArmCallOptions.None));
            Assert.Equal(0, ex.Status);
            Assert.Equal("ConnectionFailed", ex.ErrorCode);
            stop.Cancel();
            listener.Stop();
            await server;
            Assert.Equal(1, handshakes);
        }
    }
}
