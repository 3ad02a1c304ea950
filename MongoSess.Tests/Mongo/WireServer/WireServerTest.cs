using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.WireServer;

/// <summary>A fresh standalone wire server per test, and one raw connection to it.</summary>
internal abstract class WireServerTest
{
    private RawMongoClient? _client;

    protected MongoWireServer Server { get; private set; } = null!;

    protected RawMongoClient Client => _client ?? throw new InvalidOperationException("SetUp did not run.");

    protected virtual MongoWireServerOptions Options => new();

    [SetUp]
    public async Task StartServer()
    {
        Server = MongoWireServer.Start(Options);
        _client = await RawMongoClient.ConnectAsync(Server);
    }

    [TearDown]
    public async Task StopServer()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        await Server.DisposeAsync();
    }

    protected Task<BsonDocument> RunAsync(BsonDocument command, string database = "test") => Client.RunAsync(command, database);

    protected async Task InsertAsync(string collection, params BsonDocument[] documents)
    {
        var reply = await RunAsync(Bson.Doc("insert", collection, "documents", new BsonArray(documents)));
        Assert.That(reply.Int("n"), Is.EqualTo(documents.Length), reply.ToString());
    }

    protected async Task<List<BsonDocument>> FindAllAsync(string collection, BsonDocument? filter = null)
    {
        var reply = await RunAsync(Bson.Doc("find", collection, "filter", filter ?? [], "batchSize", 1000));
        return [.. reply.Sub("cursor").Items("firstBatch").Cast<BsonDocument>()];
    }

    protected static void AssertError(BsonDocument reply, int code, string codeName)
    {
        Assert.Multiple(() =>
        {
            Assert.That(reply.Ok(), Is.Zero, reply.ToString());
            Assert.That(reply.Int("code"), Is.EqualTo(code), reply.ToString());
            Assert.That(reply.Str("codeName"), Is.EqualTo(codeName));
            Assert.That(reply["errmsg"], Is.InstanceOf<BsonString>());
        });
    }
}
