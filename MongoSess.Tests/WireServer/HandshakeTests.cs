using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions.Tests.WireServer;

internal sealed class HandshakeTests : WireServerTest
{
    [Test]
    public async Task The_driver_handshakes_with_a_legacy_isMaster_and_then_pings()
    {
        var reply = await Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));

        Assert.That(reply["ok"].ToDouble(), Is.EqualTo(1.0));
        var handshake = Server.Statistics.CommandsNamed("isMaster").First();
        Assert.Multiple(() =>
        {
            Assert.That(handshake["helloOk"], Is.EqualTo(BsonBoolean.True));
            Assert.That(handshake["client"]["driver"]["name"].AsString, Does.StartWith("mongo-csharp-driver"));
            Assert.That(Server.Statistics.ClientMetadata, Is.Not.Empty);
            Assert.That(Server.Statistics.CommandsNamed("ping").Single()["$db"].AsString, Is.EqualTo("admin"));
        });
    }

    [Test]
    public async Task A_lowercase_ismaster_over_OP_QUERY_is_answered_as_mongod_answers_the_Node_js_driver_s_handshake()
    {
        using var socket = await OpQuerySocket.ConnectAsync(Server.Port);

        var reply = await socket.RunAsync("admin", new BsonDocument { { "ismaster", 1 }, { "helloOk", true } });

        Assert.Multiple(() =>
        {
            Assert.That(reply["ok"].ToDouble(), Is.EqualTo(1.0));
            Assert.That(reply["ismaster"], Is.EqualTo(BsonBoolean.True));
            Assert.That(reply["helloOk"], Is.EqualTo(BsonBoolean.True));
        });
    }

    [Test]
    public async Task Monitoring_moves_on_to_hello_after_the_server_says_helloOk()
    {
        using var client = Connect(Server.ConnectionString, "heartbeatFrequencyMS=500");
        await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
        for (int i = 0; i < 100 && Server.Statistics.CommandCount("hello") == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.That(Server.Statistics.CommandCount("hello"), Is.GreaterThan(0), "a heartbeat used hello");
        Assert.That(Server.Statistics.CommandsNamed("hello").Any(h => h.Contains("topologyVersion")), Is.False, "the server never offered streaming");
    }

    [Test]
    public void Unknown_commands_fail_with_CommandNotFound()
    {
        var error = Assert.ThrowsAsync<MongoCommandException>(() => Database.RunCommandAsync<BsonDocument>(new BsonDocument("frobnicate", 1)));

        Assert.That(error!.Code, Is.EqualTo(59));
        Assert.That(error.CodeName, Is.EqualTo("CommandNotFound"));
    }

    [Test]
    public async Task Writes_arrive_with_their_session_and_their_documents_sequence_merged_into_the_command()
    {
        await Collection("c").InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)]);

        var insert = Server.Statistics.CommandsNamed("insert").Single();
        Assert.Multiple(() =>
        {
            Assert.That(insert["insert"].AsString, Is.EqualTo("c"));
            Assert.That(insert["$db"].AsString, Is.EqualTo("test"));
            Assert.That(insert["lsid"]["id"], Is.InstanceOf<BsonBinaryData>(), "the server advertised sessions");
            Assert.That(insert.Contains("txnNumber"), Is.False, "a standalone has no retryable writes");
            Assert.That(insert["documents"].AsBsonArray, Has.Count.EqualTo(2));
            Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(2));
        });
    }
}
