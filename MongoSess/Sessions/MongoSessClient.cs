using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoSessions.Cookies;
using MongoSessions.Diagnostics;
using MongoSessions.Encryption;
using MongoSessions.Sessions;

namespace MongoSessions;

/// <summary>
/// One configuration of sessions: a store, the options (cookie, keys, timeouts), the clock and the expiry sweep.
/// Create one at startup for each set of sessions (an admin area with its own cookie and a 15-minute idle timeout can
/// run beside the public site), share it across requests (it is thread-safe), and dispose it at shutdown, which
/// disposes the store. <see cref="MongoSess.ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/> makes
/// the default one that <c>new MongoSess(request, response)</c> and the static methods use.
/// </summary>
public sealed class MongoSessClient : IAsyncDisposable
{
    private readonly ExpirySweeper? _sweeper;
    private readonly SessionCleanup? _lottery;
    private int _disposed;

    /// <summary>
    /// Connects to a session store: validates the options, prepares the store (<see cref="ISessionStore.InitializeAsync"/>)
    /// and starts the expiry sweep the options ask for.
    /// </summary>
    /// <param name="store">Where sessions live; disposing the client disposes it.</param>
    /// <param name="options">Timeouts, cookie and logging; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static async Task<MongoSessClient> ConnectAsync(ISessionStore store, MongoSessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var client = Create(store, options ?? new MongoSessOptions());
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        client.Logger.LogInformation("MongoSess connected to {Store}", store.Name);
        return client;
    }

    /// <summary>
    /// Connects to MongoDB as <see cref="MongoSessOptions.ConnectionString"/> (or <see cref="MongoSessOptions.Servers"/>,
    /// <see cref="MongoSessOptions.ClientSettings"/>) says: waits for a primary, authenticates and creates the TTL
    /// indexes, so a wrong address, an unreachable server or wrong credentials fail here rather than on the first request.
    /// </summary>
    /// <exception cref="MongoSessConfigurationException">The connection string or an option is invalid; the message never contains the password.</exception>
    /// <exception cref="MongoSessConnectionException">No primary could be reached within the server selection timeout.</exception>
    /// <exception cref="MongoSessAuthenticationException">The server refused the credentials.</exception>
    public static async Task<MongoSessClient> ConnectAsync(MongoSessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var store = await MongoClientFactory.ConnectAsync(options, options.LoggerFactory ?? NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ConnectAsync(store, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The session of one request (see <see cref="MongoSess"/>); no I/O until the session is used.</summary>
    /// <param name="request">The request, whose <c>Cookie</c> header may carry the session token.</param>
    /// <param name="response">The response, which receives the <c>Set-Cookie</c> header when the session starts, changes token or ends.</param>
    /// <param name="cookie">Cookie options for this request only; keys not set here are inherited.</param>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public MongoSess Open(HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions? cookie = null) => new(this, request, response, cookie);

    /// <summary>The session of one request (see <see cref="Open(HttpListenerRequest, HttpListenerResponse, SessionCookieOptions?)"/>).</summary>
    public MongoSess Open(HttpListenerContext context, SessionCookieOptions? cookie = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(this, context.Request, context.Response, cookie);
    }

    /// <summary>The session of one API request, carried in an <c>Authorization: Bearer</c> header (see <see cref="MongoSess.FromBearerToken"/>).</summary>
    public MongoSess OpenBearer(HttpListenerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(this, new BearerTokenTransport(request, Cookie.Keys!));
    }

    /// <summary>Streams every live session (key, data, creation and expiry; never a token), without loading them all at once.</summary>
    public IAsyncEnumerable<SessionRecord> ListAsync(CancellationToken cancellationToken = default) => Store.ListAsync(Now(), cancellationToken);

    /// <summary>Counts the live sessions.</summary>
    public Task<long> CountAsync(CancellationToken cancellationToken = default) => Store.CountAsync(Now(), cancellationToken).AsTask();

    /// <summary>Ends every session (the store's indexes stay).</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) => Store.ClearAsync(cancellationToken).AsTask();

    /// <summary>Ends one session by its key (<see cref="SessionRecord.Id"/>, <see cref="MongoSess.Id"/>), e.g. from an admin page; a missing key is not an error.</summary>
    /// <returns>True when a session was ended.</returns>
    public Task<bool> EndAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return Store.EndAsync(key, tokenHash: null, cancellationToken).AsTask();
    }

    /// <summary>
    /// Ends every live session whose value at <paramref name="key"/> equals <paramref name="value"/> (as MongoDB
    /// compares: numbers by value), e.g. <c>EndWhereAsync("user.id", 42)</c> to log a user out everywhere.
    /// </summary>
    /// <returns>How many sessions were ended.</returns>
    public Task<long> EndWhereAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var match = new SessionMatch(key, Values.ClrToBsonMapper.Map(value, key));
        return Store.EndWhereAsync(match, Now(), cancellationToken).AsTask();
    }

    /// <summary>The live sessions of a user (<see cref="MongoSess.SetUserAsync"/>), reading no other user's sessions.</summary>
    public async Task<IReadOnlyList<UserSession>> ListUserSessionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return await UserSessionsAsync(userId, currentKey: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends every session of a user (after a password change, say), reading no other user's sessions.</summary>
    /// <returns>How many sessions were ended.</returns>
    public Task<long> EndUserSessionsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return EndUserSessionsAsync(userId, exceptKey: null, cancellationToken);
    }

    internal Task<long> EndUserSessionsAsync(string userId, string? exceptKey, CancellationToken cancellationToken) =>
        Store.EndByUserAsync(userId, exceptKey, Now(), cancellationToken).AsTask();

    internal async Task<IReadOnlyList<UserSession>> UserSessionsAsync(string userId, string? currentKey, CancellationToken cancellationToken)
    {
        var sessions = new List<UserSession>();
        await foreach (var record in Store.ListByUserAsync(userId, Now(), cancellationToken).ConfigureAwait(false))
        {
            // the idle expiry moves with every use: the last use is that long before it
            var lastSeen = record.ExpiresAt - (record.IdleTimeout ?? Expires);
            sessions.Add(new UserSession(
                record.Id, record.CreatedAt, lastSeen < record.CreatedAt ? record.CreatedAt : lastSeen, record.EffectiveExpiresAt,
                record.ClientInfo ?? new Dictionary<string, string>(), record.Id == currentKey));
        }
        return sessions;
    }

    /// <summary>Removes the expired sessions now (the sweep does this on its own schedule).</summary>
    /// <returns>How many were removed.</returns>
    public Task<long> RemoveExpiredAsync(CancellationToken cancellationToken = default) => Store.RemoveExpiredAsync(Now(), cancellationToken).AsTask();

    private MongoSessClient(ISessionStore store, SessionCookieOptions cookie, MongoSessOptions options, ILoggerFactory loggers)
    {
        var clock = options.TimeProvider;
        Logger = loggers.CreateLogger("MongoSess");
        // outermost, so a store operation is timed as the request sees it, encryption and its retries included
        Store = new InstrumentedSessionStore(options.Encryption is { } encryption ? new EncryptingSessionStore(store, encryption, Logger, options.EncryptionMigratesPlaintext) : store);
        Cookie = cookie;
        Expires = options.Expires;
        AbsoluteTimeout = options.AbsoluteTimeout;
        TouchAfter = options.TouchAfterOrDefault;
        Clock = clock;
        var cleanup = options.Cleanup;
        // the TTL index does MongoDB's cleanup; every other store needs sweeps
        TimeSpan? interval = cleanup.Mode switch
        {
            SessionCleanupMode.Default when !store.RemovesExpiredSessions => SessionCleanup.DefaultSweepInterval,
            SessionCleanupMode.Sweep => cleanup.Interval,
            _ => null,
        };
        if (interval is not null || cleanup.Mode == SessionCleanupMode.Lottery)
        {
            _sweeper = new ExpirySweeper(Store, interval, clock, Logger);
        }
        _lottery = cleanup.Mode == SessionCleanupMode.Lottery ? cleanup : null;
    }

    internal ISessionStore Store { get; }

    internal SessionCookieOptions Cookie { get; }

    internal TimeSpan Expires { get; }

    internal TimeSpan? AbsoluteTimeout { get; }

    /// <summary>The least time between two touches of a session by reads; <see cref="Timeout.InfiniteTimeSpan"/> for never.</summary>
    internal TimeSpan TouchAfter { get; }

    internal TimeProvider Clock { get; }

    internal ILogger Logger { get; }

    internal ExpirySweeper? Sweeper => _sweeper;

    /// <summary>Called once per request that uses the store: with a lottery cleanup, maybe starts a background sweep.</summary>
    internal void DrawCleanupLottery()
    {
        if (_lottery is not null && Random.Shared.Next(_lottery.OutOf) < _lottery.Chances)
        {
            _sweeper!.TryStart();
        }
    }

    /// <summary>Validates the options and starts the sweep; the caller owns the returned client.</summary>
    internal static MongoSessClient Create(ISessionStore store, MongoSessOptions options)
    {
        Validate(options);
        if (options.Cleanup.Mode == SessionCleanupMode.TtlIndex && !store.RemovesExpiredSessions)
        {
            throw new ArgumentException($"SessionCleanup.TtlIndex needs the MongoDB store; use SessionCleanup.Sweep(...) with {store.GetType().Name}.", nameof(options));
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
        return new MongoSessClient(store, cookie, options, loggers);
    }

    /// <summary>Checks the options that need no I/O; called before anything connects.</summary>
    internal static void Validate(MongoSessOptions options)
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
    internal DateTimeOffset Now() => SessionRecord.Truncate(Clock.GetUtcNow());

    /// <summary>Stops the expiry sweep (waiting for a running one) and disposes the store. Calling it twice does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync().ConfigureAwait(false);
        }
        await Store.DisposeAsync().ConfigureAwait(false);
        Logger.LogInformation("MongoSess closed");
    }
}
