using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Diagnostics;

namespace MongoSessions.Internal;

/// <summary>What <see cref="MongoSess.ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/> sets up: the store, the validated options, and the sweep.</summary>
internal sealed class SessionManager : IAsyncDisposable
{
    private static readonly SemaphoreSlim s_lifecycle = new(1, 1);
    private static volatile SessionManager? s_current;

    private readonly ExpirySweeper? _sweeper;
    private readonly SessionCleanup? _lottery;

    /// <summary>The connected manager, or null.</summary>
    public static SessionManager? Current => s_current;

    /// <summary>The connected manager; otherwise an <see cref="InvalidOperationException"/> that says how to connect.</summary>
    public static SessionManager Required => s_current ?? throw new InvalidOperationException(
        "MongoSess is not connected: call await MongoSess.ConnectAsync(...) once at startup, before handling requests.");

    public static async Task ConnectAsync(ISessionStore store, MongoSessOptions options, CancellationToken cancellationToken)
    {
        var manager = Create(store, options);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await manager.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s_current is not null)
            {
                await manager.DisposeAsync().ConfigureAwait(false);
                throw AlreadyConnected();
            }
            s_current = manager;
            manager.Logger.LogInformation("MongoSess connected to {Store}", store.GetType().Name);
        }
        finally
        {
            s_lifecycle.Release();
        }
    }

    public static async Task ConnectMongoAsync(MongoSessOptions options, CancellationToken cancellationToken)
    {
        Validate(options);
        if (s_current is not null)
        {
            throw AlreadyConnected();
        }
        var store = await MongoClientFactory.ConnectAsync(options, options.LoggerFactory ?? NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        try
        {
            await ConnectAsync(store, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task CloseAsync(CancellationToken cancellationToken)
    {
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var manager = s_current;
            s_current = null;
            if (manager is not null)
            {
                await manager.DisposeAsync().ConfigureAwait(false);
                manager.Logger.LogInformation("MongoSess closed");
            }
        }
        finally
        {
            s_lifecycle.Release();
        }
    }

    private static InvalidOperationException AlreadyConnected() =>
        new("MongoSess is already connected; call await MongoSess.CloseAsync() before connecting again.");

    private SessionManager(ISessionStore store, SessionCookieOptions cookie, MongoSessOptions options, ILoggerFactory loggers)
    {
        var clock = options.TimeProvider;
        Logger = loggers.CreateLogger("MongoSess");
        // outermost, so a store operation is timed as the request sees it, encryption and its retries included
        Store = new InstrumentedSessionStore(options.Encryption is { } encryption ? new EncryptingSessionStore(store, encryption, Logger, options.EncryptionMigratesPlaintext) : store);
        Cookie = cookie;
        Expires = options.Expires;
        AbsoluteTimeout = options.AbsoluteTimeout;
        TouchAfter = options.TouchAfter ?? options.Expires / 10;
        Clock = clock;
        var cleanup = options.Cleanup;
        // the TTL index does MongoDB's cleanup; every other store needs sweeps
        TimeSpan? interval = cleanup.Mode switch
        {
            SessionCleanupMode.Default when store is not MongoSessionStore => TimeSpan.FromMinutes(10),
            SessionCleanupMode.Sweep => cleanup.Interval,
            _ => null,
        };
        if (interval is not null || cleanup.Mode == SessionCleanupMode.Lottery)
        {
            _sweeper = new ExpirySweeper(Store, interval, clock, Logger);
        }
        _lottery = cleanup.Mode == SessionCleanupMode.Lottery ? cleanup : null;
    }

    public ISessionStore Store { get; }

    public SessionCookieOptions Cookie { get; }

    public TimeSpan Expires { get; }

    public TimeSpan? AbsoluteTimeout { get; }

    /// <summary>The least time between two touches of a session by reads; <see cref="Timeout.InfiniteTimeSpan"/> for never.</summary>
    public TimeSpan TouchAfter { get; }

    public TimeProvider Clock { get; }

    public ILogger Logger { get; }

    internal ExpirySweeper? Sweeper => _sweeper;

    /// <summary>Called once per request that uses the store: with a lottery cleanup, maybe starts a background sweep.</summary>
    public void DrawCleanupLottery()
    {
        if (_lottery is not null && Random.Shared.Next(_lottery.OutOf) < _lottery.Chances)
        {
            _sweeper!.TryStart();
        }
    }

    /// <summary>Validates the options and starts the sweep; the caller owns the returned manager.</summary>
    public static SessionManager Create(ISessionStore store, MongoSessOptions options)
    {
        Validate(options);
        if (options.Cleanup.Mode == SessionCleanupMode.TtlIndex && store is not MongoSessionStore)
        {
            throw new ArgumentException($"SessionCleanup.TtlIndex needs the MongoDB store; use SessionCleanup.Sweep(...) with {store.GetType().Name}.", nameof(options));
        }
        if (options.Encryption is not null && store is not IVersionedSessionStore)
        {
            // encrypted writes are compare-and-swap on a version number that only the built-in stores keep
            throw new ArgumentException($"MongoSessOptions.Encryption works with the built-in stores only, not with {store.GetType().Name}.", nameof(options));
        }
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
        return new SessionManager(store, cookie, options, loggers);
    }

    /// <summary>Checks the options that need no I/O; called before anything connects.</summary>
    public static void Validate(MongoSessOptions options)
    {
        if (options.Expires <= TimeSpan.Zero || options.Expires > TimeSpan.FromDays(3650))
        {
            throw new ArgumentException("MongoSessOptions.Expires must be more than zero and at most 10 years.", nameof(options));
        }
        if (options.AbsoluteTimeout is { } absolute && (absolute <= TimeSpan.Zero || absolute > TimeSpan.FromDays(3650)))
        {
            throw new ArgumentException("MongoSessOptions.AbsoluteTimeout must be more than zero and at most 10 years, or null for none.", nameof(options));
        }
        if (options.TouchAfter is { } touch && touch < TimeSpan.Zero && touch != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("MongoSessOptions.TouchAfter cannot be negative; use Timeout.InfiniteTimeSpan to never extend on reads.", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(options.Cleanup, "options.Cleanup");
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
