using System.Collections.Concurrent;

namespace MongoSessions.Soak;

/// <summary>What every client saw, added up: requests, failures, latencies, the counted increments and any violation.</summary>
internal sealed class SoakTally
{
    private const int KeptViolations = 20;

    private long _requests;
    private long _failed;
    private long _ackedIncrements;
    private long _sessionsStarted;
    private long _sessionsEnded;
    private long _sessionsVerified;
    private long _restartsAfterFailure;
    private long _violations;

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Failed requests by reason (an HTTP status or an exception type) and route.</summary>
    public ConcurrentDictionary<string, long> Failures { get; } = new();

    public ConcurrentDictionary<string, long> RequestsByRoute { get; } = new();

    public ConcurrentQueue<string> FirstViolations { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Failed => Interlocked.Read(ref _failed);

    public long AckedIncrements => Interlocked.Read(ref _ackedIncrements);

    public long SessionsStarted => Interlocked.Read(ref _sessionsStarted);

    public long SessionsEnded => Interlocked.Read(ref _sessionsEnded);

    /// <summary>Sessions whose stored count was checked against the client's own count, before an end or at the finish.</summary>
    public long SessionsVerified => Interlocked.Read(ref _sessionsVerified);

    /// <summary>Sessions a client had to start again because a regenerate or end it sent got no answer.</summary>
    public long RestartsAfterFailure => Interlocked.Read(ref _restartsAfterFailure);

    public long Violations => Interlocked.Read(ref _violations);

    public void Request(string route, TimeSpan elapsed, string? failure)
    {
        Interlocked.Increment(ref _requests);
        RequestsByRoute.AddOrUpdate(route, 1, (_, n) => n + 1);
        Latency.Record(elapsed);
        if (failure is not null)
        {
            Interlocked.Increment(ref _failed);
            Failures.AddOrUpdate($"{failure} on {route}", 1, (_, n) => n + 1);
        }
    }

    public void AckedIncrement() => Interlocked.Increment(ref _ackedIncrements);

    public void SessionStarted() => Interlocked.Increment(ref _sessionsStarted);

    public void SessionEnded() => Interlocked.Increment(ref _sessionsEnded);

    public void SessionVerified() => Interlocked.Increment(ref _sessionsVerified);

    public void RestartedAfterFailure() => Interlocked.Increment(ref _restartsAfterFailure);

    public void Violation(string what)
    {
        if (Interlocked.Increment(ref _violations) <= KeptViolations)
        {
            FirstViolations.Enqueue(what);
        }
    }
}
