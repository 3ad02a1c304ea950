using System.Collections.Concurrent;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Configuration;

namespace MongoSessions.Tests.Support;

/// <summary>
/// Driver clients for tests that are really closed afterwards: the driver keeps a disposed client's cluster (its
/// monitors and pools) running, and hundreds of them would keep dialling servers long gone.
/// </summary>
internal static class TestMongoClients
{
    private static readonly ConcurrentDictionary<MongoClient, ICluster> s_open = new();

    /// <summary>A client with a cluster of its own (no other client shares it), closed by <see cref="Close"/> or <see cref="CloseAll"/>.</summary>
    public static MongoClient Create(string connectionString, Action<ClusterBuilder>? configure = null)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        var fromString = settings.ClusterConfigurator;
        // a configurator of its own makes the cluster this client's alone
        settings.ClusterConfigurator = builder =>
        {
            fromString?.Invoke(builder);
            configure?.Invoke(builder);
        };
        var client = new MongoClient(settings);
        s_open.TryAdd(client, client.Cluster);
        return client;
    }

    /// <summary>Disposes the client and closes its cluster; closing twice does nothing.</summary>
    public static void Close(this MongoClient client)
    {
        // the cluster was taken at creation: a client already disposed by "using" no longer hands it out
        if (s_open.TryRemove(client, out var cluster))
        {
            client.Dispose();
            ClusterRegistry.Instance.UnregisterAndDisposeCluster(cluster);
        }
    }

    /// <summary>Closes every client created and not closed yet (tests run one at a time).</summary>
    public static void CloseAll()
    {
        foreach (var client in s_open.Keys)
        {
            client.Close();
        }
    }
}
