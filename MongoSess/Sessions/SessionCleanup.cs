namespace MongoSessions;

/// <summary>
/// How expired sessions leave the store (<see cref="MongoSessOptions.Cleanup"/>). Whatever the mode, an expired session
/// reads as absent at once; cleanup only frees the space.
/// </summary>
public sealed class SessionCleanup
{
    private SessionCleanup(SessionCleanupMode mode, TimeSpan interval = default, int chances = 0, int outOf = 0)
    {
        Mode = mode;
        Interval = interval;
        Chances = chances;
        OutOf = outOf;
    }

    /// <summary>MongoDB's TTL index on MongoDB; a sweep every 10 minutes on other stores. The default.</summary>
    public static SessionCleanup Default { get; } = new(SessionCleanupMode.Default);

    /// <summary>How often <see cref="Default"/> sweeps a store that does not remove expired sessions itself: every 10 minutes.</summary>
    public static TimeSpan DefaultSweepInterval { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Only MongoDB's TTL index (the server deletes expired documents about once a minute); no sweeps.</summary>
    public static SessionCleanup TtlIndex { get; } = new(SessionCleanupMode.TtlIndex);

    /// <summary>No cleanup at all: expired sessions stay until something else deletes them.</summary>
    public static SessionCleanup Off { get; } = new(SessionCleanupMode.Off);

    /// <summary>What this cleanup does.</summary>
    public SessionCleanupMode Mode { get; }

    /// <summary>The time between two sweeps, for <see cref="SessionCleanupMode.Sweep"/>.</summary>
    public TimeSpan Interval { get; }

    /// <summary>For <see cref="SessionCleanupMode.Lottery"/>: a request starts a sweep with probability <see cref="Chances"/> in <see cref="OutOf"/>.</summary>
    public int Chances { get; }

    /// <summary>See <see cref="Chances"/>.</summary>
    public int OutOf { get; }

    /// <summary>
    /// A periodic sweep (<see cref="ISessionStore.RemoveExpiredAsync"/>) every <paramref name="interval"/>, for stores and
    /// MongoDB-compatible servers without TTL indexes (such as Cosmos DB). Sweeps never overlap and stop at close.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is shorter than a second or longer than a day.</exception>
    public static SessionCleanup Sweep(TimeSpan interval)
    {
        if (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), "A sweep interval must be between one second and one day.");
        }
        return new SessionCleanup(SessionCleanupMode.Sweep, interval);
    }

    /// <summary>
    /// A sweep started by a request that wins a lottery, <paramref name="chances"/> in <paramref name="outOf"/>
    /// (node-session and Laravel use 2 in 100), in the background; a sweep never starts while one runs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The odds are not between 1 in <paramref name="outOf"/> and certain.</exception>
    public static SessionCleanup Lottery(int chances, int outOf)
    {
        if (outOf < 1 || chances < 1 || chances > outOf)
        {
            throw new ArgumentOutOfRangeException(nameof(chances), "A cleanup lottery needs 1 <= chances <= outOf, for example Lottery(2, 100).");
        }
        return new SessionCleanup(SessionCleanupMode.Lottery, chances: chances, outOf: outOf);
    }

    /// <summary>Describes the mode.</summary>
    public override string ToString() => Mode switch
    {
        SessionCleanupMode.Sweep => $"Sweep every {Interval}",
        SessionCleanupMode.Lottery => $"Lottery {Chances} in {OutOf}",
        _ => Mode.ToString(),
    };
}
