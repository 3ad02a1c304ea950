using MongoSessions.Bson;
using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

[TestFixture]
public sealed class ScramMechanismTests
{
    private static BsonDocument Hello(params string[] mechanisms) => new BsonDocument()
        .Add("isWritablePrimary", BsonBoolean.True)
        .Add("saslSupportedMechs", new BsonArray(mechanisms.Select(m => (BsonValue)new BsonString(m))))
        .Add("ok", new BsonInt32(1));

    [Test]
    public void Negotiation_prefers_sha256_when_the_server_lists_it()
    {
        Assert.That(ScramMechanism.Negotiate(Hello("SCRAM-SHA-1", "SCRAM-SHA-256")), Is.SameAs(ScramMechanism.Sha256));
        Assert.That(ScramMechanism.Negotiate(Hello("SCRAM-SHA-256")), Is.SameAs(ScramMechanism.Sha256));
    }

    [Test]
    public void Negotiation_falls_back_to_sha1_even_when_sha1_is_not_listed()
    {
        // auth spec: "otherwise, SCRAM-SHA-1 MUST be used as the default, regardless of whether SCRAM-SHA-1 is in the list"
        Assert.That(ScramMechanism.Negotiate(Hello("SCRAM-SHA-1")), Is.SameAs(ScramMechanism.Sha1));
        Assert.That(ScramMechanism.Negotiate(Hello("PLAIN")), Is.SameAs(ScramMechanism.Sha1));
        Assert.That(ScramMechanism.Negotiate(Hello()), Is.SameAs(ScramMechanism.Sha1));
    }

    [Test]
    public void Negotiation_without_sasl_supported_mechs_uses_sha1()
    {
        // auth spec: without the field, SCRAM-SHA-1 for servers 3.0 and newer (all that MongoSess supports)
        Assert.That(ScramMechanism.Negotiate(null), Is.SameAs(ScramMechanism.Sha1));
        Assert.That(ScramMechanism.Negotiate(new BsonDocument().Add("ok", new BsonInt32(1))), Is.SameAs(ScramMechanism.Sha1));
        Assert.That(ScramMechanism.Negotiate(new BsonDocument().Add("saslSupportedMechs", new BsonString("SCRAM-SHA-256"))), Is.SameAs(ScramMechanism.Sha1));
    }

    [Test]
    public void Names_map_to_mechanisms_exactly()
    {
        Assert.That(ScramMechanism.FromName("SCRAM-SHA-1"), Is.SameAs(ScramMechanism.Sha1));
        Assert.That(ScramMechanism.FromName("SCRAM-SHA-256"), Is.SameAs(ScramMechanism.Sha256));
        Assert.That(ScramMechanism.FromName("scram-sha-256"), Is.Null);
        Assert.That(ScramMechanism.FromName("PLAIN"), Is.Null);
    }

    [Test]
    public void Key_sizes_follow_the_hash()
    {
        Assert.That(ScramMechanism.Sha1.KeySizeBytes, Is.EqualTo(20));
        Assert.That(ScramMechanism.Sha256.KeySizeBytes, Is.EqualTo(32));
    }
}
