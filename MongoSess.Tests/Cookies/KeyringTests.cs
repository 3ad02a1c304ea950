namespace MongoSessions.Tests.Cookies;

[TestFixture]
public sealed class KeyringTests
{
    [Test]
    public void Generated_secrets_are_32_random_bytes_in_base64url()
    {
        var a = Keyring.GenerateSecret();
        var b = Keyring.GenerateSecret();
        Assert.That(a, Does.Match("^[A-Za-z0-9_-]{43}$"));
        Assert.That(System.Buffers.Text.Base64Url.DecodeFromChars(a), Has.Length.EqualTo(32));
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void A_short_secret_is_refused_with_advice_and_without_echoing_it()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new Keyring(Keyring.GenerateSecret(), "short-secret-value"));
        Assert.That(e!.Message, Does.Contain("#2").And.Contain("32 bytes").And.Contain("Keyring.GenerateSecret()").And.Not.Contain("short-secret-value"));
    }

    [Test]
    public void An_empty_ring_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _ = new Keyring());
        Assert.Throws<ArgumentException>(() => _ = new Keyring(new List<string>()));
    }

    [Test]
    public void ToString_never_shows_a_secret()
    {
        var secret = Keyring.GenerateSecret();
        var ring = new Keyring(secret, Keyring.GenerateSecret());
        Assert.That(ring.ToString(), Is.EqualTo("Keyring (2 secrets)"));
        Assert.That(ring.Count, Is.EqualTo(2));
    }
}
