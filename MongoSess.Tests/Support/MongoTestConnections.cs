using MongoSessions.Internal;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Tests.Support;

/// <summary>Builds MongoDB stores and options for tests: short timeouts and heartbeats so failures show quickly.</summary>
internal static class MongoTestConnections
{
    public static MongoSessOptions Options(string connectionString, string extraQuery = "")
    {
        var separator = connectionString.Contains('?') ? "&" : "?";
        return new MongoSessOptions
        {
            ConnectionString = connectionString + separator + "serverSelectionTimeoutMS=3000&connectTimeoutMS=2000&heartbeatFrequencyMS=500" + extraQuery,
            MinHeartbeatInterval = TimeSpan.FromMilliseconds(20),
            Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
        };
    }

    public static Task<MongoSessionStore> ConnectAsync(MongoSessOptions options) =>
        MongoStoreBuilder.ConnectAsync(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, CancellationToken.None);

    public static Task<MongoSessionStore> ConnectAsync(MongoWireServer server, string extraQuery = "") => ConnectAsync(Options(server.ConnectionString, extraQuery));
}
