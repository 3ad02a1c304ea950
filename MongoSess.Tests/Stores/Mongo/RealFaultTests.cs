using MongoDB.Bson;
using MongoDB.Driver;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>
/// The fault contract against a real server, with faults from its <c>failCommand</c> fail point (which needs
/// <c>enableTestCommands=1</c>, as the Testcontainers server has).
/// </summary>
public abstract class RealFaultTests : MongoFaultContract
{
    private MongoClient? _admin;

    protected abstract Task<(string? ConnectionString, string? SkipReason)> ServerAsync();

    protected override async Task<(string?, IMongoFaults?, string?)> StartAsync()
    {
        var (connectionString, reason) = await ServerAsync();
        if (connectionString is null)
        {
            return (null, null, reason);
        }
        _admin = TestMongoClients.Create(connectionString);
        var faults = new FailPoints(_admin.GetDatabase("admin"));
        if (!await faults.AvailableAsync())
        {
            return (null, null, "The server does not accept configureFailPoint (start it with --setParameter enableTestCommands=1 to run the fault tests).");
        }
        return (connectionString, faults, null);
    }

    protected override async Task StopAsync()
    {
        if (_admin is not null)
        {
            await _admin.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } });
            _admin.Close();
        }
    }

    private sealed class FailPoints(IMongoDatabase admin) : IMongoFaults
    {
        public async Task<bool> AvailableAsync()
        {
            try
            {
                await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } });
                return true;
            }
            catch (MongoCommandException)
            {
                return false;
            }
        }

        public Task CloseBeforeExecuteAsync(string command) => OnceAsync(command, new BsonDocument("closeConnection", true));

        // the write runs, then a retryable write concern error replaces its reply
        public Task FailAfterExecuteAsync(string command) => OnceAsync(command, new BsonDocument
        {
            { "writeConcernError", new BsonDocument { { "code", 91 }, { "errmsg", "Replication is being shut down" } } },
            { "errorLabels", new BsonArray { "RetryableWriteError" } },
        });

        public Task NotWritablePrimaryAsync(string command) => OnceAsync(command, new BsonDocument
        {
            { "errorCode", 10107 },
            { "errorLabels", new BsonArray { "RetryableWriteError" } },
        });

        private Task OnceAsync(string command, BsonDocument data)
        {
            data.Add("failCommands", new BsonArray { command });
            return admin.RunCommandAsync<BsonDocument>(new BsonDocument
            {
                { "configureFailPoint", "failCommand" },
                { "mode", new BsonDocument("times", 1) },
                { "data", data },
            });
        }
    }
}

/// <summary>The fault contract against a real <c>mongo:8.0</c> replica set started by Testcontainers.</summary>
[TestFixture]
public sealed class ContainerFaultTests : RealFaultTests
{
    protected override Task<(string? ConnectionString, string? SkipReason)> ServerAsync() => MongoContainerServer.GetAsync();
}

/// <summary>The fault contract against the server named by <c>MONGOSESS_TEST_URI</c> (a replica set with test commands enabled).</summary>
[TestFixture]
public sealed class UriFaultTests : RealFaultTests
{
    protected override Task<(string? ConnectionString, string? SkipReason)> ServerAsync() =>
        EnvironmentMongoServer.GetAsync("a replica set started with --setParameter enableTestCommands=1");
}
