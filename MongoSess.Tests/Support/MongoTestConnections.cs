using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Support;

/// <summary>Builds MongoDB stores and options for tests: short timeouts so that failures show quickly.</summary>
internal static class MongoTestConnections
{
    // the driver's heartbeat cannot go below 500 ms; selection and connect timeouts keep a failing test short
    public static MongoSessOptions Options(string connectionString, string extraQuery = "")
    {
        var separator = connectionString.Contains('?') ? "&" : "?";
        return new MongoSessOptions
        {
            ConnectionString = connectionString + separator + "serverSelectionTimeoutMS=3000&connectTimeoutMS=2000&heartbeatFrequencyMS=500" + extraQuery,
            Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
        };
    }

    /// <summary>Connects a store the way <see cref="MongoSess.ConnectAsync(MongoSessOptions, CancellationToken)"/> does: ping, then the TTL indexes.</summary>
    public static async Task<MongoSessionStore> ConnectAsync(MongoSessOptions options)
    {
        var store = await MongoClientFactory.ConnectAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public static Task<MongoSessionStore> ConnectAsync(MongoWireServer server, string extraQuery = "") => ConnectAsync(Options(server.ConnectionString, extraQuery));
}
