using System.Diagnostics;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Mongo.Client;

[TestFixture]
public sealed class ConnectTests
{
    private const string Password = "s3cret-Pa55word!";

    [TearDown]
    public Task CloseAsync() => MongoSess.CloseAsync();

    [TestCase(MongoWireUser.ScramSha256)]
    [TestCase(MongoWireUser.ScramSha1)]
    public async Task Connects_and_authenticates_with_each_scram_mechanism(string mechanism)
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password, "admin", mechanism)] });
        await MongoSess.ConnectAsync(MongoTestConnections.Options($"mongodb://ann:{Uri.EscapeDataString(Password)}@{server.HostAndPort}/app?authSource=admin"));
        Assert.That(MongoSess.IsConnected, Is.True);
        Assert.That(server.Statistics.Authentications, Is.GreaterThanOrEqualTo(1));
        var sasl = server.Statistics.Commands.First(c => c[0].Name == "saslStart");
        Assert.That(((MongoSessions.Bson.BsonString)sasl["mechanism"]!).Value, Is.EqualTo(mechanism), "negotiated through saslSupportedMechs");
    }

    [Test]
    public async Task A_wrong_password_is_a_clear_authentication_error_without_the_password()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password)] });
        var e = Assert.ThrowsAsync<MongoSessAuthenticationException>(() => MongoSess.ConnectAsync(MongoTestConnections.Options($"mongodb://ann:wrong-{Password}@{server.HostAndPort}/")));
        Assert.That(e!.Message, Does.Contain("ann").And.Not.Contain(Password));
        Assert.That(MongoSess.IsConnected, Is.False);
    }

    [Test]
    public void An_unreachable_server_fails_within_the_server_selection_timeout()
    {
        var port = FreePort.Next();
        var watch = Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(() => MongoSess.ConnectAsync(new MongoSessOptions
        {
            ConnectionString = $"mongodb://user:{Password}@127.0.0.1:{port}/?serverSelectionTimeoutMS=400&connectTimeoutMS=200",
            MinHeartbeatInterval = TimeSpan.FromMilliseconds(20),
        }));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(e!.Message, Does.Contain("400 ms").And.Contain($"127.0.0.1:{port}").And.Not.Contain(Password));
    }

    [Test]
    public void A_bad_connection_string_is_a_configuration_error_without_the_password()
    {
        var e = Assert.ThrowsAsync<MongoSessConfigurationException>(() => MongoSess.ConnectAsync(new MongoSessOptions { ConnectionString = $"mongodb://ann:{Password}@host:notaport/" }));
        Assert.That(e!.Message, Does.Not.Contain(Password));
        Assert.ThrowsAsync<MongoSessConfigurationException>(() => MongoSess.ConnectAsync(new MongoSessOptions { ConnectionString = "mongodb://a/", Servers = ["b"] }));
        Assert.ThrowsAsync<MongoSessConfigurationException>(() => MongoSess.ConnectAsync(new MongoSessOptions { ConnectionString = "http://example/" }));
    }

    [Test]
    public async Task A_server_older_than_4_2_is_refused_with_a_clear_message()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { MaxWireVersion = 7 });
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(() => MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString, "&serverSelectionTimeoutMS=300")));
        Assert.That(e!.Message, Does.Contain("4.2"));
    }

    [Test]
    public async Task Servers_database_and_collection_options_override_the_connection_string()
    {
        await using var server = MongoWireServer.Start();
        var options = MongoTestConnections.Options("mongodb://ignored.invalid/db1/coll1");
        options.ConnectionString = null;
        options.Servers = [server.HostAndPort];
        options.Database = "app";
        options.Collection = "websessions";
        await MongoSess.ConnectAsync(options);
        Assert.That(server.Store.Find("app", "websessions"), Is.Not.Null, "the TTL index was created there");
    }

    [Test]
    public async Task A_connection_string_path_names_database_and_collection()
    {
        await using var server = MongoWireServer.Start();
        await MongoSess.ConnectAsync(MongoTestConnections.Options($"mongodb://{server.HostAndPort}/shop/carts"));
        Assert.That(server.Store.Find("shop", "carts"), Is.Not.Null);
    }

    [Test]
    public async Task The_handshake_describes_the_client()
    {
        await using var server = MongoWireServer.Start();
        await MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString, "&appName=checkout"));
        var metadata = server.Statistics.ClientMetadata.First();
        Assert.That(metadata["driver"]!.ToString(), Is.Not.Empty);
        Assert.That(((MongoSessions.Bson.BsonString)((MongoSessions.Bson.BsonDocument)metadata["driver"]!)["name"]!).Value, Is.EqualTo("MongoSess"));
        Assert.That(((MongoSessions.Bson.BsonString)((MongoSessions.Bson.BsonDocument)metadata["application"]!)["name"]!).Value, Is.EqualTo("checkout"));
    }
}
