using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary><see cref="MongoSess.ConnectAsync(MongoSessOptions, CancellationToken)"/> against the wire server, through the driver.</summary>
[TestFixture]
public sealed class ConnectTests
{
    private const string Password = "s3cret-Pa55word!";

    [TearDown]
    public Task CloseAsync() => MongoSess.CloseAsync();

    [TestCase(MongoWireUser.ScramSha256, "")]
    [TestCase(MongoWireUser.ScramSha1, "")]
    [TestCase(MongoWireUser.ScramSha1, "&authMechanism=SCRAM-SHA-1")]
    public async Task Connects_and_authenticates_with_each_scram_mechanism(string mechanism, string extra)
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password, "admin", mechanism)] });
        await MongoSess.ConnectAsync(MongoTestConnections.Options($"mongodb://ann:{Uri.EscapeDataString(Password)}@{server.HostAndPort}/app?authSource=admin" + extra));
        Assert.That(MongoSess.IsConnected, Is.True);
        Assert.That(server.Statistics.Authentications, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task A_wrong_password_is_a_clear_authentication_error_without_the_password()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { Users = [new MongoWireUser("ann", Password)] });
        var e = Assert.ThrowsAsync<MongoSessAuthenticationException>(() => MongoSess.ConnectAsync(MongoTestConnections.Options($"mongodb://ann:wrong-{Password}@{server.HostAndPort}/")));
        Assert.That(e!.ToString(), Does.Not.Contain(Password));
        Assert.That(e.Message, Does.Contain("credentials"));
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
        }));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(e!.Message, Does.Contain($"127.0.0.1:{port}"));
        Assert.That(e.ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_server_older_than_the_driver_supports_is_refused_with_a_clear_message()
    {
        await using var server = MongoWireServer.Start(new MongoWireServerOptions { MaxWireVersion = 7 });
        var e = Assert.ThrowsAsync<MongoSessConnectionException>(() => MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString, "&serverSelectionTimeoutMS=1000")));
        Assert.That(e!.Message, Does.Contain("wire version").IgnoreCase);
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
    public async Task The_handshake_names_MongoSess_beside_the_driver_and_the_application()
    {
        await using var server = MongoWireServer.Start();
        await MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString, "&appName=checkout"));
        var metadata = server.Statistics.ClientMetadata.First();
        Assert.That(metadata["driver"]["name"].AsString, Does.StartWith("mongo-csharp-driver").And.Contain("MongoSess"));
        Assert.That(metadata["application"]["name"].AsString, Is.EqualTo("checkout"));
    }

    [Test]
    public async Task A_user_who_may_not_create_indexes_fails_connect_with_the_commands_to_run_and_can_skip_them()
    {
        await using var server = MongoWireServer.Start();
        server.Faults.Fail("createIndexes", 13, codeName: "Unauthorized", message: "not authorized on app to execute command { createIndexes: ... }");
        var e = Assert.ThrowsAsync<MongoSessCommandException>(() => MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString + "app")));
        Assert.That(e!.Code, Is.EqualTo(13));
        Assert.That(e.Message, Does.Contain("may not create indexes").And.Contain("createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 })").And.Contain("CreateIndexes"));
        Assert.That(MongoSess.IsConnected, Is.False);

        var options = MongoTestConnections.Options(server.ConnectionString + "app");
        options.CreateIndexes = false;
        server.Faults.Fail("createIndexes", 13, codeName: "Unauthorized");
        await MongoSess.ConnectAsync(options);
        Assert.That(MongoSess.IsConnected, Is.True);
        Assert.That(server.Statistics.CommandCount("createIndexes"), Is.EqualTo(1), "only the first, refused attempt");
    }

    [Test]
    public async Task The_applications_own_client_is_shared_and_never_disposed_by_MongoSess()
    {
        await using var server = MongoWireServer.Start();
        var client = TestMongoClients.Create(server.ConnectionString + "?serverSelectionTimeoutMS=3000");
        var database = client.GetDatabase("app");
        await MongoSess.ConnectAsync(new MongoSessionStore(database, new MongoSessionStoreOptions { CollectionName = "websessions" }), MongoTestConnections.Options(server.ConnectionString));
        Assert.That(server.Store.Find("app", "websessions"), Is.Not.Null, "the TTL index was created on the application's database");
        await MongoSess.CloseAsync();
        var pong = await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
        Assert.That(pong["ok"].ToDouble(), Is.EqualTo(1), "the client still works after CloseAsync");
    }

    [Test]
    public async Task Close_disposes_the_client_MongoSess_created()
    {
        await using var server = MongoWireServer.Start();
        await MongoSess.ConnectAsync(MongoTestConnections.Options(server.ConnectionString));
        Assert.That(server.Statistics.ConnectionsOpen, Is.GreaterThan(0));
        await MongoSess.CloseAsync();
        for (int i = 0; i < 100 && server.Statistics.ConnectionsOpen > 0; i++)
        {
            await Task.Delay(20);
        }
        Assert.That(server.Statistics.ConnectionsOpen, Is.Zero, "every connection of MongoSess's client was closed");
    }
}
