using System.Diagnostics.Metrics;

namespace MongoSessions.Diagnostics;

/// <summary>Counts what requests do with their sessions: created, loaded, ended, regenerated.</summary>
internal static class SessionMetrics
{
    private static readonly Counter<long> s_created = Create("mongosess.sessions.created", "Sessions created by a first write.");
    private static readonly Counter<long> s_loaded = Create("mongosess.sessions.loaded", "Live sessions read from the store by a request (at most one load per request).");
    private static readonly Counter<long> s_ended = Create("mongosess.sessions.ended", "Sessions ended by a request (EndAsync).");
    private static readonly Counter<long> s_regenerated = Create("mongosess.sessions.regenerated", "Sessions moved to a new id (RegenerateAsync).");

    public static void Created() => Add(s_created);

    public static void Loaded() => Add(s_loaded);

    public static void Ended() => Add(s_ended);

    public static void Regenerated() => Add(s_regenerated);

    private static Counter<long> Create(string name, string description) =>
        MongoSessInstrumentation.Meter.CreateCounter<long>(name, "{session}", description);

    private static void Add(Counter<long> counter)
    {
        if (counter.Enabled)
        {
            counter.Add(1);
        }
    }
}
