using MongoSessions.Cookies;


namespace MongoSessions.Tests.Cookies;

[TestFixture]
public sealed class CookieSignerTests
{
    private static readonly Keyring Keys = new(Keyring.GenerateSecret());

    [Test]
    public void A_signed_id_verifies_with_the_current_key()
    {
        var id = SessionToken.New();
        var value = CookieSigner.Sign(id, Keys);
        Assert.That(value, Has.Length.EqualTo(CookieSigner.ValueLength));
        var result = CookieSigner.Verify(value, Keys);
        Assert.That(result.IsValid && result.Id == id && result.SignedWithCurrentKey, Is.True);
    }

    [Test]
    public void A_value_signed_by_an_older_key_verifies_and_says_so()
    {
        var olderSecret = Keyring.GenerateSecret();
        var value = CookieSigner.Sign(SessionToken.New(), new Keyring(olderSecret));
        var rotated = new Keyring(Keyring.GenerateSecret(), Keyring.GenerateSecret(), olderSecret);
        Assert.That(CookieSigner.Verify(value, rotated).SignedWithCurrentKey, Is.False);
        Assert.That(CookieSigner.Verify(value, rotated).IsValid, Is.True);
    }

    [Test]
    public void Rejections_name_their_reason()
    {
        var value = CookieSigner.Sign(SessionToken.New(), Keys);
        Assert.That(CookieSigner.Verify("short", Keys).Rejection, Is.EqualTo(CookieRejection.Malformed));
        Assert.That(CookieSigner.Verify(value, new Keyring(Keyring.GenerateSecret())).Rejection, Is.EqualTo(CookieRejection.BadSignature));
    }

    [Test]
    public void Ids_are_unique_and_well_formed()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => SessionToken.New()).ToHashSet();
        Assert.That(ids, Has.Count.EqualTo(1000));
        Assert.That(ids.All(id => SessionToken.IsWellFormed(id)), Is.True);
    }

    [Test]
    public void A_value_verified_again_gives_the_same_answer_and_mac_and_a_forged_one_stays_rejected()
    {
        var keys = new Keyring(Keyring.GenerateSecret(), Keyring.GenerateSecret());
        var id = SessionToken.New();
        var value = CookieSigner.Sign(id, new Keyring(Keyring.GenerateSecret()));
        var genuine = CookieSigner.Sign(id, keys);
        Span<byte> first = stackalloc byte[32];
        Span<byte> second = stackalloc byte[32];
        var verified = CookieSigner.Verify(genuine, keys, first);
        var again = CookieSigner.Verify(genuine, keys, second);
        Assert.That(again, Is.EqualTo(verified));
        Assert.That(again.IsValid && again.SignedWithCurrentKey && again.Id == id, Is.True);
        Assert.That(second.SequenceEqual(first), Is.True, "the cached MAC is the one a new verification computes");
        // the same id under another key's signature, after the genuine value was remembered: still rejected
        Assert.That(CookieSigner.Verify(value, keys).Rejection, Is.EqualTo(CookieRejection.BadSignature));
        Assert.That(CookieSigner.Verify(value, keys).Rejection, Is.EqualTo(CookieRejection.BadSignature));
        // one character changed in the MAC of a remembered value
        var tampered = genuine[..^1] + (genuine[^1] == 'A' ? 'B' : 'A');
        Assert.That(CookieSigner.Verify(tampered, keys).IsValid, Is.False);
    }

    [Test]
    public void A_remembered_value_keeps_its_old_key_flag_and_another_keyring_remembers_nothing_of_it()
    {
        var olderSecret = Keyring.GenerateSecret();
        var value = CookieSigner.Sign(SessionToken.New(), new Keyring(olderSecret));
        var rotated = new Keyring(Keyring.GenerateSecret(), olderSecret);
        for (int i = 0; i < 3; i++)
        {
            var result = CookieSigner.Verify(value, rotated);
            Assert.That(result.IsValid && !result.SignedWithCurrentKey, Is.True);
        }
        // the secret retired: a keyring without it rejects the value it never verified
        Assert.That(CookieSigner.Verify(value, new Keyring(Keyring.GenerateSecret())).IsValid, Is.False);
    }
}
