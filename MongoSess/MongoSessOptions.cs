using Microsoft.Extensions.Logging;

namespace MongoSessions;

/// <summary>Every MongoSess setting and its default, in one place.</summary>
public sealed class MongoSessOptions
{
    /// <summary>The session cookie: name, signing keys, lifetime and attributes.</summary>
    public SessionCookieOptions Cookie { get; set; } = new();

    /// <summary>
    /// The idle timeout: a session expires this long after its last write. Default 14 days.
    /// An expired session reads as absent even before the store removes it.
    /// </summary>
    public TimeSpan Expires { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How often expired sessions are swept from the store (<see cref="ISessionStore.RemoveExpiredAsync"/>).
    /// Default 10 minutes; <see cref="TimeSpan.Zero"/> or <see cref="Timeout.InfiniteTimeSpan"/> turns the sweep off.
    /// Sweeps never overlap and stop at <see cref="MongoSess.CloseAsync"/>.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The clock used for expiry. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where MongoSess logs (never secrets or session data). Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
