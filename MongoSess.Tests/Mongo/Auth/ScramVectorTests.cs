using System.Security.Cryptography;
using System.Text;
using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

/// <summary>The published SCRAM examples, byte for byte, through each client step.</summary>
[TestFixture]
public sealed class ScramVectorTests
{
    // RFC 5802's SCRAM-SHA-1 uses the password itself; MongoDB's SCRAM-SHA-1 uses its digest (see the last case)
    private static readonly ScramMechanism PlainSha1 = new("SCRAM-SHA-1", HashAlgorithmName.SHA1, (_, password) => password);

    private static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData(
            "RFC 5802 SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL",
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").SetName("RFC 5802 section 5 SCRAM-SHA-1 example");
        yield return new TestCaseData(
            "SCRAM-SHA-256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO",
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").SetName("RFC 7677 section 3 SCRAM-SHA-256 example");
        yield return new TestCaseData(
            "SCRAM-SHA-1", "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL",
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY=",
            "v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0=").SetName("MongoDB auth spec SCRAM-SHA-1 example (password digest)");
    }

    [TestCaseSource(nameof(Vectors))]
    public void Each_step_matches_the_published_example(
        string mechanismName, string username, string password, string clientNonce,
        string clientFirstMessage, string serverFirstMessage, string clientFinalMessage, string serverFinalMessage)
    {
        var mechanism = ScramMechanism.FromName(mechanismName) ?? PlainSha1;
        var clientFirst = new ScramClientFirst(username, clientNonce);
        Assert.That(clientFirst.ToBytes(), Is.EqualTo(Encoding.UTF8.GetBytes(clientFirstMessage)));

        var serverFirst = ScramServerFirst.Parse(Encoding.UTF8.GetBytes(serverFirstMessage), clientFirst.ClientNonce);
        var clientFinal = ScramClientFinal.Create(
            mechanism, clientFirst, serverFirst, mechanism.PreparePassword(username, password), new ScramKeyCache(4));
        Assert.That(clientFinal.ToBytes(), Is.EqualTo(Encoding.UTF8.GetBytes(clientFinalMessage)));

        // the expected signature is the one the example's server sent, and verification accepts exactly that message
        Assert.That(clientFinal.ExpectedServerSignature, Is.EqualTo(Convert.FromBase64String(serverFinalMessage[2..])));
        ScramServerVerification.Verify(Encoding.UTF8.GetBytes(serverFinalMessage), clientFinal.ExpectedServerSignature);
        Assert.Throws<MongoSessAuthenticationException>(
            () => ScramServerVerification.Verify(Encoding.UTF8.GetBytes(serverFinalMessage[..^4] + "AAA="), clientFinal.ExpectedServerSignature));
    }

    [Test]
    public void Mongodb_sha1_password_is_the_legacy_digest_the_auth_spec_shows()
    {
        string digest = ScramMechanism.Sha1.PreparePassword("user", "pencil");
        Assert.That(digest, Is.EqualTo("1c33006ec1ffd90f9cadcbcc0e118200"));

        // the auth spec's MONGODB-CR example is built on the same digest: key = hex(md5(nonce + user + digest))
        string key = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("2375531c32080ae8" + "user" + digest)));
        Assert.That(key, Is.EqualTo("21742f26431831d5cfca035a08c5bdf6"));
    }

    [Test]
    public void Sha256_password_is_saslprepped_and_sha1_password_is_not()
    {
        Assert.That(ScramMechanism.Sha256.PreparePassword("user", "I\u00ADX"), Is.EqualTo("IX"));
        Assert.That(
            ScramMechanism.Sha1.PreparePassword("user", "I\u00ADX"),
            Is.EqualTo(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("user:mongo:I\u00ADX")))));
    }

    [TestCase("user", "n,,n=user,r=abc")]
    [TestCase("a=b,c", "n,,n=a=3Db=2Cc,r=abc")]
    [TestCase("=,=", "n,,n==3D=2C=3D,r=abc")]
    [TestCase("\u2168", "n,,n=\u2168,r=abc", Description = "usernames are not SASLprep'd")]
    public void Client_first_escapes_the_username(string username, string expected)
    {
        Assert.That(new ScramClientFirst(username, "abc").Message, Is.EqualTo(expected));
    }

    [Test]
    public void Nonces_are_24_random_bytes_in_base64()
    {
        var nonces = Enumerable.Range(0, 100).Select(_ => ScramClientFirst.NewNonce()).ToList();
        Assert.That(nonces.Distinct().Count(), Is.EqualTo(100));
        Assert.That(nonces.All(n => Convert.FromBase64String(n).Length == 24 && !n.Contains(',')), Is.True);
    }
}
