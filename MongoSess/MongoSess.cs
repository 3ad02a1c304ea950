using System.Collections.ObjectModel;
using System.Net;
using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Cookies;
using MongoSessions.Internal;

namespace MongoSessions;

/// <summary>
/// The session of one HTTP request. Connect once at startup with <see cref="ConnectAsync(MongoSessOptions, CancellationToken)"/>
/// (MongoDB) or <see cref="ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/>, then create one
/// <see cref="MongoSess"/> per request: the constructor does no I/O, the first read loads the session once, and every
/// write is one atomic store operation on the keys it names.
/// </summary>
/// <remarks>
/// A session is created by its first write; a request that only reads, or never touches the session, creates
/// nothing and sets no cookie. Calls on one instance are serialized, so concurrent calls are safe but not parallel.
/// </remarks>
public sealed class MongoSess
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> MongoSess reports its metrics through:
    /// <c>dotnet-counters monitor --counters MongoSess</c>, or OpenTelemetry's <c>AddMeter(MongoSess.MeterName)</c>.
    /// </summary>
    public const string MeterName = "MongoSess";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> that traces every session store operation:
    /// OpenTelemetry's <c>AddSource(MongoSess.ActivitySourceName)</c>.
    /// </summary>
    public const string ActivitySourceName = "MongoSess";

    private static readonly IReadOnlyDictionary<string, object?> s_empty = ReadOnlyDictionary<string, object?>.Empty;

    private readonly RequestSession _session;

    /// <summary>Creates the session of one request. Does no I/O: nothing is read until the first Get or write.</summary>
    /// <param name="request">The request, whose <c>Cookie</c> header may carry the session id.</param>
    /// <param name="response">The response, which receives the <c>Set-Cookie</c> header when the session starts, changes id or ends.</param>
    /// <param name="cookie">Cookie options for this request only, replacing <see cref="MongoSessOptions.Cookie"/>; keys not set here are inherited.</param>
    /// <exception cref="InvalidOperationException">MongoSess is not connected.</exception>
    public MongoSess(HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions? cookie = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var manager = SessionManager.Required;
        var options = cookie is null ? manager.Cookie : cookie.Validated(manager.Cookie.Keys);
        _session = new RequestSession(manager, new RequestCookies(request, response, options, manager.Logger));
    }

    /// <summary>Creates the session of one request (see <see cref="MongoSess(HttpListenerRequest, HttpListenerResponse, SessionCookieOptions?)"/>).</summary>
    public MongoSess(HttpListenerContext context, SessionCookieOptions? cookie = null)
        : this((context ?? throw new ArgumentNullException(nameof(context))).Request, context.Response, cookie)
    {
    }

    /// <summary>True between a successful connect and <see cref="CloseAsync"/>.</summary>
    public static bool IsConnected => SessionManager.Current is not null;

    /// <summary>
    /// The session's key (<see cref="SessionRecord.Id"/>): the one the request's signed cookie names, or the one this
    /// request created; null when there is no session. It stays the same across regenerations and is not a credential
    /// (the cookie's token is, and neither the application nor the store ever sees it), so it is safe to log or show,
    /// and <see cref="DestroyAsync"/> takes it. Before the first read or write it is not yet known whether the store
    /// still has that session.
    /// </summary>
    public string? Id => _session.Id;

    /// <summary>
    /// How long after a regeneration a request that still carries the replaced cookie (one that was in flight) is
    /// recognised as such: it sees no session, and a write that would start one, or <see cref="EndAsync"/>, throws
    /// <see cref="MongoSessSessionReplacedException"/> instead of sending a cookie that would overwrite the new one.
    /// After it, the old cookie is treated like an ended session's. One minute.
    /// </summary>
    public static TimeSpan ReplacedTokenGrace => RequestSession.ReplacedTokenGrace;

    /// <summary>True when this request created the session.</summary>
    public bool IsNew => _session.IsNew;

    /// <summary>Connects MongoSess to a session store; call once at startup.</summary>
    /// <param name="store">Where sessions live: <see cref="MemorySessionStore"/>, <see cref="FileSessionStore"/>, or your own <see cref="ISessionStore"/>. Closing MongoSess disposes it.</param>
    /// <param name="options">Timeouts, cookie and logging; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="InvalidOperationException">MongoSess is already connected; call <see cref="CloseAsync"/> first.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static Task ConnectAsync(ISessionStore store, MongoSessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return SessionManager.ConnectAsync(store, options ?? new MongoSessOptions(), cancellationToken);
    }

    /// <summary>
    /// Connects MongoSess to MongoDB, as <see cref="MongoSessOptions.ConnectionString"/> (or <see cref="MongoSessOptions.Servers"/>)
    /// says; call once at startup. It waits for a primary, authenticates and creates the TTL index on <c>expiresAt</c>, so
    /// a wrong address, an unreachable server or wrong credentials fail here rather than on the first request.
    /// </summary>
    /// <exception cref="MongoSessConfigurationException">The connection string or an option is invalid; the message never contains the password.</exception>
    /// <exception cref="MongoSessConnectionException">No primary could be reached within the server selection timeout.</exception>
    /// <exception cref="MongoSessAuthenticationException">The server refused the credentials.</exception>
    /// <exception cref="InvalidOperationException">MongoSess is already connected.</exception>
    public static Task ConnectAsync(MongoSessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SessionManager.ConnectMongoAsync(options, cancellationToken);
    }

    /// <summary>
    /// Stops the expiry sweep (waiting for a running one) and disposes the store. Calling it when not connected does
    /// nothing. Requests still running may fail; close after the listener has stopped.
    /// </summary>
    public static Task CloseAsync(CancellationToken cancellationToken = default) => SessionManager.CloseAsync(cancellationToken);

    /// <summary>The same as <see cref="CloseAsync"/>, under the original MongoSess's name.</summary>
    public static Task DisconnectAsync(CancellationToken cancellationToken = default) => CloseAsync(cancellationToken);

    /// <summary>Streams every live session (key, data, creation and expiry; never a token), without loading them all at once.</summary>
    public static IAsyncEnumerable<SessionRecord> AllAsync(CancellationToken cancellationToken = default)
    {
        var manager = SessionManager.Required;
        return manager.Store.ListAsync(manager.Now(), cancellationToken);
    }

    /// <summary>Counts the live sessions.</summary>
    public static Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var manager = SessionManager.Required;
        return manager.Store.CountAsync(manager.Now(), cancellationToken).AsTask();
    }

    /// <summary>Deletes every session (the store's indexes stay).</summary>
    public static Task ClearAsync(CancellationToken cancellationToken = default) => SessionManager.Required.Store.ClearAsync(cancellationToken).AsTask();

    /// <summary>Deletes one session by its key (<see cref="SessionRecord.Id"/>, <see cref="Id"/>), for example from an admin page; a missing key is not an error.</summary>
    /// <returns>True when a session was deleted.</returns>
    public static Task<bool> DestroyAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SessionManager.Required.Store.DestroyAsync(id, tokenHash: null, cancellationToken).AsTask();
    }

    /// <summary>Deletes the expired sessions now (the sweep does this on its own schedule).</summary>
    /// <returns>How many were deleted.</returns>
    public static Task<long> CleanupAsync(CancellationToken cancellationToken = default)
    {
        var manager = SessionManager.Required;
        return manager.Store.RemoveExpiredAsync(manager.Now(), cancellationToken).AsTask();
    }

    /// <summary>
    /// Ends every live session whose value at <paramref name="key"/> equals <paramref name="value"/> (as MongoDB compares:
    /// numbers of any type by value), for example to log a user out everywhere: <c>DestroyWhereAsync("user.id", 42)</c>.
    /// </summary>
    /// <returns>How many sessions were ended.</returns>
    public static Task<long> DestroyWhereAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var manager = SessionManager.Required;
        var match = new SessionMatch(key, ClrToBsonMapper.Map(value, key));
        return manager.Store.DestroyWhereAsync(match, manager.Now(), cancellationToken).AsTask();
    }

    /// <summary>Sets one value; creates the session when there is none.</summary>
    /// <param name="key">A key, or a dotted path into nested values such as <c>user.name</c>.</param>
    /// <param name="value">null, bool, string, a number, DateTime, DateTimeOffset, Guid, byte[], a list, a string-keyed dictionary or any object System.Text.Json can serialize.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException">The key is invalid, or the value cannot be stored.</exception>
    /// <exception cref="InvalidOperationException">The session would be created but the response headers were already sent, or the path runs through a value that is not a document.</exception>
    public Task SetAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        return _session.WriteAsync([SessionOperation.Set(key, ClrToBsonMapper.Map(value, key))], create: true, cancellationToken);
    }

    /// <summary>Sets several values in one atomic store operation; creates the session when there is none.</summary>
    /// <exception cref="ArgumentException">A key is invalid, two keys overlap (<c>a</c> and <c>a.b</c>), or a value cannot be stored.</exception>
    public Task SetAsync(IEnumerable<KeyValuePair<string, object?>> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var keys = new List<string>();
        var operations = new List<SessionOperation>();
        foreach (var (key, value) in values)
        {
            SessionKey.Validate(key, nameof(values));
            keys.Add(key);
            operations.Add(SessionOperation.Set(key, ClrToBsonMapper.Map(value, key)));
        }
        SessionKey.EnsureDisjoint(keys, nameof(values));
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: true, cancellationToken);
    }

    /// <summary>Sets each property of an object as a key, in one atomic store operation: <c>SetAsync(new { user = "ann", admin = false })</c>.</summary>
    /// <remarks>An object without properties, or an empty dictionary, writes nothing.</remarks>
    /// <exception cref="ArgumentException">The value is not an object with properties (a string or a number, say), a property name is not a valid key, or a value cannot be stored.</exception>
    public Task SetAsync(object values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            return SetAsync(pairs, cancellationToken);
        }
        if (ClrToBsonMapper.Map(values, nameof(values)) is not BsonDocument document)
        {
            throw new ArgumentException(
                $"SetAsync(object) takes an object whose properties are the keys, such as new {{ views = 1 }}; a {values.GetType().Name} has none. Use SetAsync(key, value) for one value.",
                nameof(values));
        }
        var operations = new List<SessionOperation>(document.ElementCount);
        foreach (var element in document)
        {
            SessionKey.Validate(element.Name, nameof(values));
            operations.Add(SessionOperation.Set(element.Name, element.Value));
        }
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: true, cancellationToken);
    }

    /// <summary>Reads one value, converted to <typeparamref name="T"/>; default when the key or the session is absent.</summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>.</exception>
    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return BsonToClrMapper.ConvertTo<T>(record?.Data.Find(key), key);
    }

    /// <summary>
    /// Reads one value, or <paramref name="defaultValue"/> when the key does not exist. A key that exists with a null,
    /// false or zero value returns that value, not the default.
    /// </summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>.</exception>
    public async Task<T?> GetAsync<T>(string key, T defaultValue, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.Find(key) is { } value ? BsonToClrMapper.ConvertTo<T>(value, key) : defaultValue;
    }

    /// <summary>
    /// Reads the whole session as plain values: int, long, double, decimal, string, bool, DateTime (UTC), Guid,
    /// byte[], List&lt;object?&gt; and Dictionary&lt;string, object?&gt;. Empty when there is no session.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object?>> GetAsync(CancellationToken cancellationToken = default)
    {
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.ToDictionary() ?? s_empty;
    }

    /// <summary>True when the key exists, whatever its value (null, false and 0 included).</summary>
    public async Task<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.Contains(key) == true;
    }

    /// <summary>
    /// Reads a value and removes it in one atomic store operation, so two requests never both get it; returns
    /// <paramref name="defaultValue"/> when the key does not exist (a stored null, false or 0 is returned as such).
    /// </summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/> (it is removed all the same).</exception>
    public async Task<T?> PullAsync<T>(string key, T? defaultValue = default, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var result = await _session.WriteAsync([SessionOperation.Pull(key)], create: false, cancellationToken).ConfigureAwait(false);
        return result?.Values.Find(key) is { } value ? BsonToClrMapper.ConvertTo<T>(value, key) : defaultValue;
    }

    /// <summary>Appends a value to the array at <paramref name="key"/>, creating the array (and the session) when missing.</summary>
    /// <exception cref="InvalidOperationException">The key holds something other than an array; nothing changes.</exception>
    public Task PushAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        return _session.WriteAsync([SessionOperation.Push(key, ClrToBsonMapper.Map(value, key))], create: true, cancellationToken);
    }

    /// <summary>Removes every value but keeps the session (its id, cookie and expiry). Never creates a session.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        _session.WriteAsync([SessionOperation.Clear()], create: false, cancellationToken);

    /// <summary>Removes keys in one atomic store operation. Never creates a session.</summary>
    public Task DelAsync(params string[] keys) => DelAsync(keys, CancellationToken.None);

    /// <summary>Removes keys in one atomic store operation. Never creates a session.</summary>
    public Task DelAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var operations = new List<SessionOperation>();
        foreach (var key in keys)
        {
            SessionKey.Validate(key, nameof(keys));
            operations.Add(SessionOperation.Unset(key));
        }
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: false, cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="by"/> to an integer value atomically in the store (a missing key counts as 0) and returns
    /// the new value; concurrent increments are never lost. Creates the session when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key holds something other than a number, or the sum overflows.</exception>
    public async Task<long> IncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var result = await _session.WriteAsync([SessionOperation.Increment(key, by)], create: true, cancellationToken).ConfigureAwait(false);
        return result!.Values.Find(key) switch
        {
            BsonInt64 l => l.Value,
            BsonInt32 i => i.Value,
            BsonDouble d when d.Value == Math.Floor(d.Value) && Math.Abs(d.Value) < 9e18 => (long)d.Value,
            var other => throw new InvalidOperationException($"Session key '{key}' holds a {other?.BsonType.ToString() ?? "missing value"} after the increment, not an integer."),
        };
    }

    /// <summary>Deletes the session from the store and tells the browser to drop the cookie. Without a session it only clears a cookie the request carried.</summary>
    public Task EndAsync(CancellationToken cancellationToken = default) => _session.EndAsync(cancellationToken);

    /// <summary>
    /// Turns the cookie into a browser-session cookie, deleted when the browser closes (for example when the user
    /// did not tick "remember me"). The choice is stored with the session, so later requests keep it; the session's
    /// expiry in the store is unchanged. Does nothing when there is no session.
    /// </summary>
    public Task ExpireAsync(CancellationToken cancellationToken = default) => _session.ExpireAsync(cancellationToken);

    /// <summary>
    /// Stores a value that the next request that reads the session can read with <see cref="GetFlashAsync{T}"/>, and no
    /// request after it (a "Welcome back" message after a redirect). Creates the session when there is none.
    /// </summary>
    /// <param name="key">A name without dots.</param>
    /// <param name="value">Any value <see cref="SetAsync(string, object?, CancellationToken)"/> accepts.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    public Task FlashAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        ValidateFlashKey(key);
        return _session.FlashAsync(key, ClrToBsonMapper.Map(value, key), cancellationToken);
    }

    /// <summary>
    /// Reads a flash value an earlier request stored; default when there is none. The first read of a request takes
    /// every waiting flash value in one atomic step, so each is seen by exactly one request even when several run at once.
    /// </summary>
    public async Task<T?> GetFlashAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        ValidateFlashKey(key);
        await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return _session.ShowFlash(key) is { } entry ? BsonToClrMapper.ConvertTo<T>(entry.GetValue("v", null), key) : default;
    }

    /// <summary>Keeps every flash value this request read for one more request.</summary>
    public Task ReflashAsync(CancellationToken cancellationToken = default) => _session.KeepFlashAsync(null, cancellationToken);

    /// <summary>Keeps the named flash values this request read for one more request.</summary>
    public Task KeepAsync(params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys)
        {
            ValidateFlashKey(key);
        }
        return _session.KeepFlashAsync(keys, CancellationToken.None);
    }

    private static void ValidateFlashKey(string key)
    {
        SessionKey.Validate(key);
        if (key.Contains('.'))
        {
            throw new ArgumentException($"A flash key cannot contain '.': '{key}'.", nameof(key));
        }
    }

    /// <summary>
    /// The session's CSRF token, for a hidden form field: 32 random bytes (base64url), created on first use, the same
    /// for every request of the session until <see cref="RegenerateTokenAsync"/> or <see cref="RegenerateAsync"/>.
    /// A browser with no session gets its token in a signed browser-session cookie instead, so a visitor who only
    /// looks at a page with a form costs no storage; the session its first write creates adopts that token.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no session and the response headers were already sent.</exception>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            // a visitor who only looks costs no storage, even on a page with a form: the token rides in a signed
            // cookie, and the session that the first real write creates adopts it
            return _session.SessionlessCsrfToken();
        }
        if (record.CsrfToken is { } token)
        {
            return token;
        }
        var result = await _session.WriteAsync([], create: false, cancellationToken, csrfToken: SessionToken.New()).ConfigureAwait(false);
        return result?.CsrfToken ?? _session.SessionlessCsrfToken();
    }

    /// <summary>Replaces the session's CSRF token with a new one and returns it; creates the session when there is none.</summary>
    public async Task<string> RegenerateTokenAsync(CancellationToken cancellationToken = default)
    {
        var result = await _session.WriteAsync([], create: true, cancellationToken, csrfToken: SessionToken.New(), replaceCsrfToken: true).ConfigureAwait(false);
        return result!.CsrfToken ?? throw new MongoSessException("The session store did not keep the CSRF token.");
    }

    /// <summary>
    /// True when <paramref name="token"/> is the session's CSRF token, compared in constant time; false when the token
    /// is missing, or the session or its token does not exist. Never creates anything.
    /// </summary>
    public async Task<bool> VerifyTokenAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 256)
        {
            return false;
        }
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        // the session's token when it has one; otherwise the one the browser's signed CSRF cookie carries
        if ((record?.CsrfToken ?? _session.PresentedSessionlessCsrfToken) is not { } expected || expected.Length != token.Length)
        {
            return false;
        }
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(token));
    }

    /// <summary>
    /// Gives the session a new token, as OWASP requires after login or any change of privilege, in one atomic store step
    /// on the session itself: its data, flash messages, key and times stay; every write acknowledged before it is kept;
    /// the old cookie opens nothing from then on (a request still in flight with it sees no session, see
    /// <see cref="ReplacedTokenGrace"/>); a CSRF token is replaced by a new one; and the new cookie is sent. A session
    /// ended before or during it (a logout in another tab, <see cref="DestroyWhereAsync"/>) stays ended, and this
    /// returns false. Call it before writing the response body. Does nothing when there is no session.
    /// </summary>
    /// <returns>True when the session was regenerated; false when there was no session.</returns>
    /// <exception cref="InvalidOperationException">The response headers were already sent.</exception>
    public Task<bool> RegenerateAsync(CancellationToken cancellationToken = default) => _session.RegenerateAsync([], cancellationToken);
}
