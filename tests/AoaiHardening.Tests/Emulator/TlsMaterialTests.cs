using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using AoaiHardening.Emulator.Tls;
using Xunit;

namespace AoaiHardening.Tests.Emulator;

/// <summary>The emulator's certificates, each test in a fresh directory (never the shared one clients trust).</summary>
public sealed class TlsMaterialTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "aoai-tls-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Generates_a_CA_and_a_server_certificate_it_signs_for_loopback_and_the_served_Azure_hosts()
    {
        var tls = await TlsMaterial.EnsureAsync(dir);

        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(tls.CaFile));
        var caConstraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(caConstraints.CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.InRange((ca.NotAfter - DateTime.Now).TotalDays, 729, 731);

        var server = tls.ServerCertificate;
        Assert.True(server.HasPrivateKey);
        Assert.False(server.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal("1.3.6.1.5.5.7.3.1", server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Single().Value);
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        Assert.Equal(["localhost", "*.vault.azure.net", "*.vault.azure.cn", "*.vault.usgovcloudapi.net",
            "*.openai.azure.com", "*.cognitiveservices.azure.com", "*.services.ai.azure.com"], names.EnumerateDnsNames());
        Assert.InRange((server.NotAfter - DateTime.Now).TotalDays, 364, 366);
        Assert.Equal(ca.Subject, server.Issuer);
        Assert.True(ChainsTo(server, ca));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tls.ServerKeyFile));
    }

    [Fact]
    public async Task The_trust_bundle_is_the_system_roots_followed_by_the_CA()
    {
        var tls = await TlsMaterial.EnsureAsync(dir);

        var bundle = File.ReadAllText(tls.TrustBundleFile);
        Assert.EndsWith(File.ReadAllText(tls.CaFile), bundle);
        if (File.Exists("/etc/ssl/certs/ca-certificates.crt"))
            Assert.StartsWith(File.ReadAllText("/etc/ssl/certs/ca-certificates.crt").TrimEnd(), bundle);
    }

    [Fact]
    public async Task Valid_material_is_reused()
    {
        var first = await TlsMaterial.EnsureAsync(dir);
        var caPem = File.ReadAllText(first.CaFile);

        var second = await TlsMaterial.EnsureAsync(dir);

        Assert.Equal(first.ServerCertificate.Thumbprint, second.ServerCertificate.Thumbprint);
        Assert.Equal(caPem, File.ReadAllText(second.CaFile));
    }

    [Fact]
    public async Task Damaged_material_is_replaced()
    {
        var first = await TlsMaterial.EnsureAsync(dir);
        File.WriteAllText(first.ServerCertificateFile, "not a certificate");

        var second = await TlsMaterial.EnsureAsync(dir);

        Assert.NotEqual(first.ServerCertificate.Thumbprint, second.ServerCertificate.Thumbprint);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(second.CaFile));
        Assert.True(ChainsTo(second.ServerCertificate, ca));
    }

    [Fact]
    public async Task Material_expiring_within_a_day_is_replaced()
    {
        Directory.CreateDirectory(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=old CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var server = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());

        var tls = await TlsMaterial.EnsureAsync(dir);

        Assert.NotEqual(server.Thumbprint, tls.ServerCertificate.Thumbprint);
        Assert.True(tls.ServerCertificate.NotAfter > DateTime.Now.AddDays(300));
    }

    [Fact]
    public async Task Material_from_an_older_emulator_without_the_Azure_host_names_is_replaced()
    {
        // What emulators before the proxy generated: a valid chain, but only loopback names.
        Directory.CreateDirectory(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=old CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());
        Assert.True(ChainsTo(server, ca));

        var tls = await TlsMaterial.EnsureAsync(dir);

        Assert.NotEqual(server.Thumbprint, tls.ServerCertificate.Thumbprint);
        Assert.Contains("*.vault.azure.net", tls.ServerCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.NotEqual(ca.ExportCertificatePem(), File.ReadAllText(tls.CaFile)); // a new server certificate needs a new CA (its key is gone)
        using var newCa = X509Certificate2.CreateFromPem(File.ReadAllText(tls.CaFile));
        Assert.True(ChainsTo(tls.ServerCertificate, newCa));
    }

    [Fact]
    public async Task Concurrent_starts_agree_on_one_set_of_material()
    {
        var all = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => TlsMaterial.EnsureAsync(dir))));

        Assert.Single(all.Select(t => t.ServerCertificate.Thumbprint).Distinct());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    private static bool ChainsTo(X509Certificate2 server, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }
}
