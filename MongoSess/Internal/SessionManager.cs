using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoSessions.Internal;

/// <summary>What <see cref="MongoSess.ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/> sets up: the store, the validated options, and the sweep.</summary>
internal sealed class SessionManager : IAsyncDisposable
{
    private readonly ExpirySweeper? _sweeper;

    private SessionManager(ISessionStore store, SessionCookieOptions cookie, TimeSpan expires, TimeProvider clock, ILoggerFactory loggers, TimeSpan sweepInterval)
    {
        Store = store;
        Cookie = cookie;
        Expires = expires;
        Clock = clock;
        Logger = loggers.CreateLogger("MongoSess");
        if (sweepInterval > TimeSpan.Zero && sweepInterval != Timeout.InfiniteTimeSpan)
        {
            _sweeper = new ExpirySweeper(store, sweepInterval, clock, Logger);
        }
    }

    public ISessionStore Store { get; }

    public SessionCookieOptions Cookie { get; }

    public TimeSpan Expires { get; }

    public TimeProvider Clock { get; }

    public ILogger Logger { get; }

    internal ExpirySweeper? Sweeper => _sweeper;

    /// <summary>Validates the options and starts the sweep; the caller owns the returned manager.</summary>
    public static SessionManager Create(ISessionStore store, MongoSessOptions options)
    {
        Validate(options);
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var keys = options.Cookie.Keys;
        if (keys is null)
        {
            keys = new Keyring(Keyring.GenerateSecret());
            loggers.CreateLogger("MongoSess").LogWarning(
                "MongoSessOptions.Cookie.Keys is not set: using a random key, so sessions end when the process restarts. " +
                "Generate a secret with Keyring.GenerateSecret() and pass it in the configuration.");
        }
        var cookie = options.Cookie.Validated(keys);
        return new SessionManager(store, cookie, options.Expires, options.TimeProvider, loggers, options.SweepInterval);
    }

    /// <summary>Checks the options that need no I/O; called before anything connects.</summary>
    public static void Validate(MongoSessOptions options)
    {
        if (options.Expires <= TimeSpan.Zero || options.Expires > TimeSpan.FromDays(3650))
        {
            throw new ArgumentException("MongoSessOptions.Expires must be more than zero and at most 10 years.", nameof(options));
        }
        if (options.SweepInterval < TimeSpan.Zero && options.SweepInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("MongoSessOptions.SweepInterval cannot be negative; use TimeSpan.Zero to turn the sweep off.", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(options.Cookie, "options.Cookie");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        options.Cookie.CheckAttributes();
    }

    /// <summary>The current time, truncated to the milliseconds BSON dates hold.</summary>
    public DateTimeOffset Now() => SessionRecord.Truncate(Clock.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}
