using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.WireServer;

/// <summary>A fresh standalone wire server per test and an official driver client connected to it.</summary>
internal abstract class WireServerTest
{
    private MongoClient? _client;

    protected MongoWireServer Server { get; private set; } = null!;

    protected MongoClient Client => _client ?? throw new InvalidOperationException("SetUp did not run.");

    protected IMongoDatabase Database => Client.GetDatabase("test");

    protected virtual MongoWireServerOptions Options => new();

    /// <summary>Options added to the connection string, e.g. credentials or "retryReads=false".</summary>
    protected virtual string ClientOptions => "";

    [SetUp]
    public void StartServer()
    {
        Server = MongoWireServer.Start(Options);
        _client = Connect(Server.ConnectionString, ClientOptions);
    }

    [TearDown]
    public async Task StopServer()
    {
        // the test's own extra clients too (using var only disposes them, which leaves their clusters running)
        _client?.Close();
        TestMongoClients.CloseAll();
        await Server.DisposeAsync();
    }

    protected IMongoCollection<BsonDocument> Collection(string name) => Database.GetCollection<BsonDocument>(name);

    /// <summary>A driver client with short timeouts, so a broken server fails a test in seconds instead of hanging it.</summary>
    public static MongoClient Connect(string connectionString, string options = "")
    {
        var separator = connectionString.Contains('?') ? "&" : "?";
        var url = $"{connectionString}{separator}serverSelectionTimeoutMS=5000&connectTimeoutMS=5000&socketTimeoutMS=10000&heartbeatFrequencyMS=500";
        return TestMongoClients.Create(options.Length == 0 ? url : $"{url}&{options}");
    }
}
