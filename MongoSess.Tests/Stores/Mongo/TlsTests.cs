using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.Client;

[TestFixture]
public sealed class TlsTests
{
    private X509Certificate2 _certificate = null!;
    private string _caFile = null!;

    [OneTimeSetUp]
    public void CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _caFile = Path.Combine(Path.GetTempPath(), $"mongosess-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(_caFile, _certificate.ExportCertificatePem());
    }

    [OneTimeTearDown]
    public void RemoveCertificate()
    {
        _certificate.Dispose();
        File.Delete(_caFile);
    }

    private MongoWireServer StartTlsServer() => MongoWireServer.Start(new MongoWireServerOptions { TlsCertificate = _certificate });

    [Test]
    public async Task Connects_over_TLS_trusting_a_private_CA_given_through_client_settings()
    {
        // the .NET driver reads no tlsCAFile: a private CA is trusted with a validation callback, which a
        // connection string cannot say, so it goes through MongoSessOptions.ClientSettings
        await using var server = StartTlsServer();
        var options = MongoTestConnections.Options(server.ConnectionString, "&tls=true");
        var settings = MongoDB.Driver.MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.SslSettings = new MongoDB.Driver.SslSettings { ServerCertificateValidationCallback = (_, certificate, _, _) => IssuedByOurCa(certificate) };
        options.ConnectionString = null;
        options.ClientSettings = settings;
        await MongoSess.ConnectAsync(options);
        try
        {
            Assert.That(await MongoSess.CountAsync(), Is.Zero);
        }
        finally
        {
            await MongoSess.CloseAsync();
        }
    }

    // the .NET driver checks the chain even with tlsAllowInvalidCertificates=true; tlsInsecure=true turns the checks off
    [TestCase("tlsInsecure=true")]
    public async Task Connects_over_TLS_to_an_untrusted_certificate_only_when_told_to(string option)
    {
        await using var server = StartTlsServer();
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(() => MongoTestConnections.ConnectAsync(server, "&tls=true&serverSelectionTimeoutMS=500"));
        Assert.That(e!.Message, Does.Contain(server.HostAndPort));
        await using var store = await MongoTestConnections.ConnectAsync(server, "&tls=true&" + option);
        Assert.That(await store.CountAsync(DateTimeOffset.UtcNow, default), Is.Zero);
    }

    private bool IssuedByOurCa(System.Security.Cryptography.X509Certificates.X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }

    [Test]
    public async Task A_plain_client_cannot_talk_to_a_TLS_server()
    {
        await using var server = StartTlsServer();
        Assert.ThrowsAsync<MongoSessConnectionException>(() => MongoTestConnections.ConnectAsync(server, "&serverSelectionTimeoutMS=500&connectTimeoutMS=300"));
    }
}
