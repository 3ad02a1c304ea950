using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Internal;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Benchmarks;

/// <summary>Connects MongoDB stores to the in-test wire server, as an application would.</summary>
internal static class MongoStores
{
    public static Task<MongoSessionStore> ConnectAsync(MongoWireServer server, int poolSize)
    {
        var options = new MongoSessOptions
        {
            ConnectionString = $"{server.ConnectionString}bench?maxPoolSize={poolSize}&serverSelectionTimeoutMS=5000",
            Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
        };
        return MongoStoreBuilder.ConnectAsync(options, NullLoggerFactory.Instance, CancellationToken.None);
    }
}
