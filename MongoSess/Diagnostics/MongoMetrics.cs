using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MongoSessions.Mongo;
using MongoSessions.Mongo.Pooling;

namespace MongoSessions.Diagnostics;

/// <summary>
/// The MongoDB client's instruments: connections per pool (observed only when a listener asks), the time to get a
/// connection from a pool, and retried commands. Every one is tagged with the server (<c>host:port</c>).
/// </summary>
internal static class MongoMetrics
{
    // weak, so a pool that was never disposed does not live on for the gauge's sake
    private static readonly ConditionalWeakTable<ConnectionPool, string> s_pools = [];

    private static readonly ObservableUpDownCounter<long> s_connections = MongoSessInstrumentation.Meter.CreateObservableUpDownCounter(
        "mongosess.mongodb.pool.connections", ObservePools, "{connection}", "Connections in each MongoDB server's pool, by state (idle, used).");

    private static readonly Histogram<double> s_wait = MongoSessInstrumentation.Meter.CreateHistogram(
        "mongosess.mongodb.pool.wait.duration", "s", "Time to get a connection from a MongoDB pool, opening one included; a wait that timed out is recorded too.",
        tags: null, MongoSessInstrumentation.DurationAdvice);

    private static readonly Counter<long> s_retries = MongoSessInstrumentation.Meter.CreateCounter<long>(
        "mongosess.mongodb.retries", "{retry}", "MongoDB commands sent again after a retryable error (retryable reads and writes), by command and by the server that failed.");

    public static void Track(ConnectionPool pool) => s_pools.AddOrUpdate(pool, pool.EndPoint.ToString());

    public static void Untrack(ConnectionPool pool) => s_pools.Remove(pool);

    /// <summary>A timestamp to pass to <see cref="RecordWait"/>, or 0 when nobody listens.</summary>
    public static long StartWait() => s_wait.Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void RecordWait(MongoEndPoint server, long started)
    {
        if (started != 0 && s_wait.Enabled)
        {
            s_wait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("server", server.ToString()));
        }
    }

    public static void Retried(string command, MongoEndPoint server)
    {
        if (s_retries.Enabled)
        {
            s_retries.Add(1, new KeyValuePair<string, object?>("operation", command), new KeyValuePair<string, object?>("server", server.ToString()));
        }
    }

    private static IEnumerable<Measurement<long>> ObservePools()
    {
        foreach (var (pool, server) in s_pools)
        {
            var tag = new KeyValuePair<string, object?>("server", server);
            yield return new Measurement<long>(pool.InUseCount, tag, new KeyValuePair<string, object?>("state", "used"));
            yield return new Measurement<long>(pool.IdleCount, tag, new KeyValuePair<string, object?>("state", "idle"));
        }
    }
}
