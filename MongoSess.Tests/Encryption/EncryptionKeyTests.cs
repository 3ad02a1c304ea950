namespace MongoSessions.Tests.Encryption;

[TestFixture]
public sealed class EncryptionKeyTests
{
    [Test]
    public void A_generated_key_is_32_random_bytes_in_base64url()
    {
        var a = EncryptionKey.GenerateKey();
        Assert.That(a, Has.Length.EqualTo(43).And.Not.EqualTo(EncryptionKey.GenerateKey()));
        Assert.That(new EncryptionKey("k", a).Id, Is.EqualTo("k"));
    }

    [Test]
    public void Standard_base64_with_padding_is_accepted_too()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 250)).ToArray();
        Assert.That(new EncryptionKey("std", Convert.ToBase64String(bytes)).Id, Is.EqualTo("std"));
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("a:b")]
    [TestCase("a,b")]
    [TestCase("ünï")]
    public void A_bad_id_is_refused(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new EncryptionKey(id, EncryptionKey.GenerateKey()));
        Assert.That(error!.Message, Does.Contain("letters, digits"));
    }

    [TestCase("c2hvcnQ")]
    [TestCase("not base64 at all !!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void A_key_that_is_not_32_bytes_is_refused_without_showing_it(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new EncryptionKey("2026-11", key));
        Assert.That(error!.Message, Does.Contain("\"2026-11\"").And.Contain("GenerateKey").And.Not.Contain(key));
    }

    [Test]
    public void A_key_of_48_bytes_is_refused()
    {
        var tooLong = Convert.ToBase64String(new byte[48]);
        Assert.Throws<ArgumentException>(() => _ = new EncryptionKey("long", tooLong));
    }

    [Test]
    public void Parse_reads_id_key_pairs_with_the_encrypting_key_first()
    {
        var (a, b) = (EncryptionKey.GenerateKey(), EncryptionKey.GenerateKey());
        var ring = EncryptionKeyring.Parse($" 2026-11:{a} , 2026-05:{b}");
        Assert.That(ring.Count, Is.EqualTo(2));
        Assert.That(ring.CurrentKeyId, Is.EqualTo("2026-11"));
        Assert.That(ring.ToString(), Is.EqualTo("EncryptionKeyring (2026-11, 2026-05)"));
        Assert.That(ring.ToString(), Does.Not.Contain(a).And.Not.Contain(b));
    }

    [TestCase("")]
    [TestCase("nocolon")]
    [TestCase(":missing-id")]
    public void Parse_refuses_malformed_text_without_echoing_it(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => EncryptionKeyring.Parse(text));
        if (text.Length > 0)
        {
            Assert.That(error!.Message, Does.Not.Contain(text));
        }
    }

    [Test]
    public void Two_keys_with_one_id_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new EncryptionKeyring(
            new EncryptionKey("same", EncryptionKey.GenerateKey()), new EncryptionKey("same", EncryptionKey.GenerateKey())));
        Assert.That(error!.Message, Does.Contain("\"same\""));
    }
}
