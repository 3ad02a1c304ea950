using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.WireServer;

internal sealed class AuthTests : WireServerTest
{
    private const string Password = "correct horse battery staple";

    protected override MongoWireServerOptions Options => new() { Users = [new MongoWireUser("ann", Password)] };

    [TestCase("SCRAM-SHA-256")]
    [TestCase("SCRAM-SHA-1")]
    public async Task The_driver_logs_in_with_the_right_password(string mechanism)
    {
        using var client = Connect($"mongodb://ann:{Uri.EscapeDataString(Password)}@{Server.HostAndPort}/?authMechanism={mechanism}");

        await client.GetDatabase("test").GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument("_id", 1));

        Assert.That(Server.Statistics.Authentications, Is.GreaterThanOrEqualTo(1));
        Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(1));
        var mechanisms = Server.Statistics.Commands
            .Select(c => c.GetValue("mechanism", null) ?? c.GetValue("speculativeAuthenticate", null)?["mechanism"])
            .OfType<BsonString>().Select(m => m.Value).Distinct();
        Assert.That(mechanisms, Is.EqualTo(new[] { mechanism }));
    }

    [Test]
    public async Task Without_a_mechanism_the_driver_authenticates_speculatively_with_SCRAM_SHA_256()
    {
        using var client = Connect($"mongodb://ann:{Uri.EscapeDataString(Password)}@{Server.HostAndPort}/");

        await client.GetDatabase("test").GetCollection<BsonDocument>("c").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty);

        var handshake = Server.Statistics.Commands.First(c => c.Contains("speculativeAuthenticate"));
        Assert.Multiple(() =>
        {
            Assert.That(handshake["saslSupportedMechs"].AsString, Is.EqualTo("admin.ann"));
            Assert.That(handshake["speculativeAuthenticate"]["mechanism"].AsString, Is.EqualTo("SCRAM-SHA-256"));
            Assert.That(Server.Statistics.CommandCount("saslStart"), Is.Zero, "the hello carried the first SCRAM step");
            Assert.That(Server.Statistics.CommandCount("saslContinue"), Is.GreaterThanOrEqualTo(1));
        });
    }

    [TestCase("SCRAM-SHA-256")]
    [TestCase("SCRAM-SHA-1")]
    public void A_wrong_password_fails_with_MongoAuthenticationException(string mechanism)
    {
        using var client = Connect($"mongodb://ann:wrong@{Server.HostAndPort}/?authMechanism={mechanism}");

        Assert.ThrowsAsync<MongoAuthenticationException>(() => client.GetDatabase("test").GetCollection<BsonDocument>("c").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        Assert.That(Server.Statistics.Authentications, Is.Zero);
    }

    [Test]
    public void Commands_without_a_login_are_refused_with_Unauthorized()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => Collection("c").InsertOneAsync(new BsonDocument("_id", 1)));

        Assert.That(error!.Code, Is.EqualTo(13));
        Assert.That(Server.Store.Documents("test", "c"), Is.Empty);
    }

    [Test]
    public async Task SaslStart_is_accepted_over_OP_QUERY_as_mongod_does()
    {
        using var socket = await OpQuerySocket.ConnectAsync(Server.Port);
        string clientNonce = Convert.ToBase64String(Guid.NewGuid().ToByteArray());

        var reply = await socket.RunAsync("admin", new BsonDocument
        {
            { "saslStart", 1 },
            { "mechanism", "SCRAM-SHA-256" },
            { "payload", new BsonBinaryData(Encoding.UTF8.GetBytes($"n,,n=ann,r={clientNonce}")) },
            { "options", new BsonDocument("skipEmptyExchange", true) },
        });

        Assert.That(reply["ok"].ToDouble(), Is.EqualTo(1.0), reply.ToString());
        Assert.That(reply["done"].AsBoolean, Is.False);
        string serverFirst = Encoding.UTF8.GetString(reply["payload"].AsBsonBinaryData.Bytes);
        Assert.That(serverFirst, Does.StartWith($"r={clientNonce}").And.Contain(",s=").And.Contain(",i=15000"));
    }
}
