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
}
