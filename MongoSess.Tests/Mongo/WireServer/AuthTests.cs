using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class AuthTests : WireServerTest
{
    protected override MongoWireServerOptions Options => new()
    {
        Users = [new MongoWireUser("alice", "secret"), new MongoWireUser("old", "pw", "admin", MongoWireUser.ScramSha1)],
    };

    [TestCase("SCRAM-SHA-256", "alice", "secret")]
    [TestCase("SCRAM-SHA-1", "alice", "secret")]
    [TestCase("SCRAM-SHA-1", "old", "pw")]
    public async Task A_SCRAM_conversation_with_the_right_password_authenticates(string mechanism, string user, string password)
    {
        var scram = new ScramTestClient(mechanism, user, password);
        var start = await RunAsync(Doc("saslStart", 1, "mechanism", mechanism, "payload", Bin(scram.ClientFirst()), "options", Doc("skipEmptyExchange", true)), "admin");
        Assert.That(start.Int("conversationId"), Is.EqualTo(1));
        Assert.That(start["done"], Is.EqualTo(BsonBoolean.False));
        var final = await RunAsync(Doc("saslContinue", 1, "conversationId", 1, "payload", Bin(scram.ClientFinal(Payload(start)))), "admin");
        Assert.Multiple(() =>
        {
            Assert.That(final.Ok(), Is.EqualTo(1.0));
            Assert.That(final["done"], Is.EqualTo(BsonBoolean.True));
            Assert.That(scram.VerifyServerFinal(Payload(final)), Is.True, "server signature");
            Assert.That(Server.Statistics.Authentications, Is.EqualTo(1));
        });
        Assert.That((await RunAsync(Doc("find", "c"))).Ok(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task Without_skipEmptyExchange_one_more_empty_step_finishes()
    {
        var scram = new ScramTestClient("SCRAM-SHA-256", "alice", "secret");
        var start = await RunAsync(Doc("saslStart", 1, "mechanism", "SCRAM-SHA-256", "payload", Bin(scram.ClientFirst())), "admin");
        var second = await RunAsync(Doc("saslContinue", 1, "conversationId", 1, "payload", Bin(scram.ClientFinal(Payload(start)))), "admin");
        Assert.That(second["done"], Is.EqualTo(BsonBoolean.False));
        Assert.That(scram.VerifyServerFinal(Payload(second)), Is.True);
        AssertError(await RunAsync(Doc("find", "c")), 13, "Unauthorized");
        var third = await RunAsync(Doc("saslContinue", 1, "conversationId", 1, "payload", Bin([])), "admin");
        Assert.That(third["done"], Is.EqualTo(BsonBoolean.True));
        Assert.That(Payload(third), Is.Empty);
        Assert.That((await RunAsync(Doc("find", "c"))).Ok(), Is.EqualTo(1.0));
    }

    [TestCase("SCRAM-SHA-256")]
    [TestCase("SCRAM-SHA-1")]
    public async Task A_wrong_password_is_AuthenticationFailed(string mechanism)
    {
        var scram = new ScramTestClient(mechanism, "alice", "wrong");
        var start = await RunAsync(Doc("saslStart", 1, "mechanism", mechanism, "payload", Bin(scram.ClientFirst())), "admin");
        var final = await RunAsync(Doc("saslContinue", 1, "conversationId", 1, "payload", Bin(scram.ClientFinal(Payload(start)))), "admin");
        Assert.That(final, Is.EqualTo(Doc("ok", 0.0, "errmsg", "Authentication failed.", "code", 18, "codeName", "AuthenticationFailed")));
        AssertError(await RunAsync(Doc("find", "c")), 13, "Unauthorized");
        Assert.That(Server.Statistics.Authentications, Is.Zero);
    }

    [Test]
    public async Task An_unknown_user_or_database_is_AuthenticationFailed_too()
    {
        var scram = new ScramTestClient("SCRAM-SHA-256", "mallory", "x");
        AssertError(await RunAsync(Doc("saslStart", 1, "mechanism", "SCRAM-SHA-256", "payload", Bin(scram.ClientFirst())), "admin"), 18, "AuthenticationFailed");
        var elsewhere = new ScramTestClient("SCRAM-SHA-256", "alice", "secret");
        AssertError(await RunAsync(Doc("saslStart", 1, "mechanism", "SCRAM-SHA-256", "payload", Bin(elsewhere.ClientFirst())), "test"), 18, "AuthenticationFailed");
    }

    [Test]
    public async Task A_mechanism_the_user_lacks_is_MechanismUnavailable()
    {
        var scram = new ScramTestClient("SCRAM-SHA-256", "old", "pw");
        AssertError(await RunAsync(Doc("saslStart", 1, "mechanism", "SCRAM-SHA-256", "payload", Bin(scram.ClientFirst())), "admin"), 334, "MechanismUnavailable");
    }

    [Test]
    public async Task Hello_lists_the_users_mechanisms_and_needs_no_login()
    {
        var reply = await RunAsync(Doc("hello", 1, "saslSupportedMechs", "admin.old"), "admin");
        Assert.That(reply.Items("saslSupportedMechs"), Is.EqualTo(Arr("SCRAM-SHA-1")));
        var both = await RunAsync(Doc("hello", 1, "saslSupportedMechs", "admin.alice"), "admin");
        Assert.That(both.Items("saslSupportedMechs"), Is.EqualTo(Arr("SCRAM-SHA-1", "SCRAM-SHA-256")));
        var unknown = await RunAsync(Doc("hello", 1, "saslSupportedMechs", "admin.nobody"), "admin");
        Assert.That(unknown.Contains("saslSupportedMechs"), Is.False);
        Assert.That((await RunAsync(Doc("ping", 1), "admin")).Ok(), Is.EqualTo(1.0));
    }

    [Test]
    public async Task Every_other_command_needs_authentication()
    {
        AssertError(await RunAsync(Doc("insert", "c", "documents", Arr(Doc("a", 1)))), 13, "Unauthorized");
        Assert.That(Server.Store.Documents("test", "c"), Is.Empty);
    }

    [Test]
    public async Task Speculative_authentication_in_hello_starts_the_conversation()
    {
        var scram = new ScramTestClient("SCRAM-SHA-256", "alice", "secret");
        var hello = await RunAsync(Doc("hello", 1, "speculativeAuthenticate",
            Doc("saslStart", 1, "mechanism", "SCRAM-SHA-256", "payload", Bin(scram.ClientFirst()), "options", Doc("skipEmptyExchange", true), "db", "admin")), "admin");
        var speculative = hello.Sub("speculativeAuthenticate");
        Assert.That(speculative.Contains("ok"), Is.False);
        var final = await RunAsync(Doc("saslContinue", 1, "conversationId", speculative["conversationId"], "payload", Bin(scram.ClientFinal(Payload(speculative)))), "admin");
        Assert.That(final["done"], Is.EqualTo(BsonBoolean.True));
        Assert.That((await RunAsync(Doc("find", "c"))).Ok(), Is.EqualTo(1.0));
    }

    private static BsonBinary Bin(byte[] data) => new(0, data);

    private static byte[] Payload(BsonDocument reply) => ((BsonBinary)reply["payload"]!).Data;
}
