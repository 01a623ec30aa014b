using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AoaiHardening.Emulator.Core;

namespace AoaiHardening.Emulator.Tls;

/// <summary>
/// The emulator's own small PKI, so clients talk real HTTPS with full certificate validation: a root CA that
/// clients trust through <c>SSL_CERT_FILE=&lt;dir&gt;/trust-bundle.pem</c>, and a server certificate it signs for loopback
/// and for the Azure host names the emulator serves through its CONNECT proxy (<c>*.vault.azure.net</c>, …).
/// The CA's private key is never written to disk: nobody can mint more certificates under a root that test machines
/// trust. The price is that a new server certificate needs a new CA, which is why both are renewed together.
/// </summary>
public sealed class TlsMaterial
{
    public const string DirectoryVariable = "AOAI_EMULATOR_TLS_DIR";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private static readonly TimeSpan MinimumRemainingValidity = TimeSpan.FromDays(1);
    private static readonly string[] SystemBundles = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

    private TlsMaterial(string directory, X509Certificate2 serverCertificate)
    {
        Directory = directory;
        ServerCertificate = serverCertificate;
    }

    public string Directory { get; }
    public string CaFile => CaPath(Directory);
    public string ServerCertificateFile => ServerPath(Directory);
    public string ServerKeyFile => KeyPath(Directory);

    /// <summary>System roots followed by the emulator CA: what SSL_CERT_FILE must point at, so other TLS keeps working.</summary>
    public string TrustBundleFile => Path.Combine(Directory, "trust-bundle.pem");

    /// <summary>The server certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>$AOAI_EMULATOR_TLS_DIR, else ./emulator-tls.</summary>
    public static string DefaultDirectory =>
        Path.GetFullPath(Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : "emulator-tls");

    /// <summary>
    /// Loads the material in <paramref name="directory"/>, or (re)generates it when missing, invalid or expiring within a day.
    /// Safe when several processes start at once: one holds a lock file while it checks and writes, and every file is
    /// written to a temporary name and renamed, so a reader never sees half a file.
    /// </summary>
    public static async Task<TlsMaterial> EnsureAsync(string directory, CancellationToken ct = default)
    {
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        await using var fileLock = await AcquireLockAsync(Path.Combine(directory, ".lock"), ct);

        var material = TryLoad(directory) ?? Generate(directory);
        var bundle = SystemBundleText() + await File.ReadAllTextAsync(material.CaFile, ct);
        if (!File.Exists(material.TrustBundleFile) || await File.ReadAllTextAsync(material.TrustBundleFile, ct) != bundle)
            WriteAtomically(material.TrustBundleFile, bundle);
        return material;
    }

    private static string CaPath(string directory) => Path.Combine(directory, "ca.pem");
    private static string ServerPath(string directory) => Path.Combine(directory, "server.pem");
    private static string KeyPath(string directory) => Path.Combine(directory, "server.key");

    private static TlsMaterial? TryLoad(string directory)
    {
        try
        {
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(CaPath(directory)));
            var server = X509Certificate2.CreateFromPemFile(ServerPath(directory), KeyPath(directory));
            var freshUntil = DateTime.Now + MinimumRemainingValidity;
            if (ca.NotAfter < freshUntil || server.NotAfter < freshUntil || !ChainsTo(server, ca) || !HasAllNames(server))
            {
                server.Dispose();
                return null;
            }
            return new TlsMaterial(directory, ForKestrel(server));
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return null; // missing or unreadable: generate afresh
        }
    }

    /// <summary>
    /// The DNS names the server certificate must carry: localhost and the Azure host families the emulator serves through
    /// its proxy. Material made by an older emulator lacks the latter and is regenerated (CA included) on the next start.
    /// </summary>
    public static IReadOnlyList<string> ServerDnsNames { get; } = ["localhost", .. ServedHosts.CertificateNames];

    private static bool HasAllNames(X509Certificate2 server)
    {
        var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return ServerDnsNames.All(names.Contains);
    }

    /// <summary>Validates the server certificate exactly as a client trusting only this CA would.</summary>
    private static bool ChainsTo(X509Certificate2 server, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA publishes no revocation lists
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        return chain.Build(server);
    }

    private static TlsMaterial Generate(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        var notBefore = now.AddMinutes(-5); // tolerate small clock differences between processes

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=AoaiHardening ARM Emulator Root CA, O=AoaiHardening tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(notBefore, now.AddYears(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost, O=AoaiHardening tests", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in ServerDnsNames)
            names.AddDnsName(name);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], critical: false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        using var issued = serverRequest.Create(ca, notBefore, now.AddYears(1), serial);

        WriteAtomically(KeyPath(directory), serverKey.ExportPkcs8PrivateKeyPem(), ownerOnly: true);
        WriteAtomically(ServerPath(directory), issued.ExportCertificatePem());
        WriteAtomically(CaPath(directory), ca.ExportCertificatePem());
        return new TlsMaterial(directory, ForKestrel(issued.CopyWithPrivateKey(serverKey)));
    }

    /// <summary>On Windows SslStream cannot use an ephemeral (PEM-loaded) key; a PKCS#12 round trip gives it a usable one.</summary>
    private static X509Certificate2 ForKestrel(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
            return certificate;
        using (certificate)
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static string SystemBundleText()
    {
        var path = SystemBundles.FirstOrDefault(File.Exists);
        if (path is null)
            return "";
        var text = File.ReadAllText(path);
        return text.EndsWith('\n') ? text : text + "\n";
    }

    /// <summary>Writes to a temporary file in the same directory, then renames over the target (atomic on one file system).</summary>
    internal static void WriteAtomically(string path, string content, bool ownerOnly = false)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                if (ownerOnly && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                using var writer = new StreamWriter(stream);
                writer.Write(content);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // no-op once renamed
        }
    }

    /// <summary>An exclusive lock on a file (flock on Unix), retried until free: serialises concurrent emulator starts.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(25, timeout.Token);
            }
        }
    }
}
