using System.Collections.ObjectModel;
using System.Net;
using Microsoft.Extensions.Logging;
using MongoSessions.Bson;
using MongoSessions.Cookies;
using MongoSessions.Internal;

namespace MongoSessions;

/// <summary>
/// The session of one HTTP request. Connect once at startup with <see cref="ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/>,
/// then create one <see cref="MongoSess"/> per request: the constructor does no I/O, the first read loads the
/// session once, and every write is one atomic store operation on the keys it names.
/// </summary>
/// <remarks>
/// A session is created by its first write; a request that only reads, or never touches the session, creates
/// nothing and sets no cookie. Calls on one instance are serialized, so concurrent calls are safe but not parallel.
/// </remarks>
public sealed class MongoSess
{
    private static readonly SemaphoreSlim s_lifecycle = new(1, 1);
    private static readonly IReadOnlyDictionary<string, object?> s_empty = ReadOnlyDictionary<string, object?>.Empty;
    private static volatile SessionManager? s_manager;

    private readonly SessionManager _manager;
    private readonly HttpListenerRequest _request;
    private readonly HttpListenerResponse _response;
    private readonly SessionCookieOptions _cookie;
    private SemaphoreSlim? _gate;
    private bool _cookieRead;
    private bool _requestHadCookie;
    private bool _resign;
    private bool _loaded;
    private string? _id;
    private SessionRecord? _record;
    private string? _setCookieHeader;

    /// <summary>Creates the session of one request. Does no I/O: nothing is read until the first Get or write.</summary>
    /// <param name="request">The request, whose <c>Cookie</c> header may carry the session id.</param>
    /// <param name="response">The response, which receives the <c>Set-Cookie</c> header when the session starts, changes id or ends.</param>
    /// <param name="cookie">Cookie options for this request only, replacing <see cref="MongoSessOptions.Cookie"/>; keys not set here are inherited.</param>
    /// <exception cref="InvalidOperationException">MongoSess is not connected.</exception>
    public MongoSess(HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions? cookie = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        _manager = s_manager ?? throw new InvalidOperationException(
            "MongoSess is not connected: call await MongoSess.ConnectAsync(...) once at startup, before handling requests.");
        _request = request;
        _response = response;
        _cookie = cookie is null ? _manager.Cookie : cookie.Validated(_manager.Cookie.Keys);
    }

    /// <summary>Creates the session of one request (see <see cref="MongoSess(HttpListenerRequest, HttpListenerResponse, SessionCookieOptions?)"/>).</summary>
    public MongoSess(HttpListenerContext context, SessionCookieOptions? cookie = null)
        : this((context ?? throw new ArgumentNullException(nameof(context))).Request, context.Response, cookie)
    {
    }

    /// <summary>True between a successful <see cref="ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/> and <see cref="CloseAsync"/>.</summary>
    public static bool IsConnected => s_manager is not null;

    /// <summary>
    /// The session id: the one the request's signed cookie carried, or the one this request created; null when there
    /// is no session. Before the first read or write it is not yet known whether the store still has that session.
    /// </summary>
    public string? Id
    {
        get
        {
            ReadCookie();
            return _id;
        }
    }

    /// <summary>True when this request created the session.</summary>
    public bool IsNew { get; private set; }

    internal static SessionManager? Manager => s_manager;

    /// <summary>Connects MongoSess to a session store; call once at startup.</summary>
    /// <param name="store">Where sessions live: <see cref="MemorySessionStore"/>, <see cref="FileSessionStore"/>, or your own <see cref="ISessionStore"/>. Closing MongoSess disposes it.</param>
    /// <param name="options">Timeouts, cookie and logging; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="InvalidOperationException">MongoSess is already connected; call <see cref="CloseAsync"/> first.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static async Task ConnectAsync(ISessionStore store, MongoSessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var manager = SessionManager.Create(store, options ?? new MongoSessOptions());
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s_manager is not null)
            {
                await manager.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException("MongoSess is already connected; call await MongoSess.CloseAsync() before connecting again.");
            }
            s_manager = manager;
        }
        finally
        {
            s_lifecycle.Release();
        }
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
    public static async Task ConnectAsync(MongoSessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        SessionManager.Validate(options);
        if (IsConnected)
        {
            throw new InvalidOperationException("MongoSess is already connected; call await MongoSess.CloseAsync() before connecting again.");
        }
        var store = await MongoStoreBuilder.ConnectAsync(options, options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Stops the expiry sweep (waiting for a running one) and disposes the store. Calling it when not connected does
    /// nothing. Requests still running may fail; close after the listener has stopped.
    /// </summary>
    public static async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var manager = s_manager;
            s_manager = null;
            if (manager is not null)
            {
                await manager.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            s_lifecycle.Release();
        }
    }

    /// <summary>The same as <see cref="CloseAsync"/>, under the original MongoSess's name.</summary>
    public static Task DisconnectAsync(CancellationToken cancellationToken = default) => CloseAsync(cancellationToken);

    /// <summary>Sets one value; creates the session when there is none.</summary>
    /// <param name="key">A key, or a dotted path into nested values such as <c>user.name</c>.</param>
    /// <param name="value">null, bool, string, a number, DateTime, DateTimeOffset, Guid, byte[], a list, a string-keyed dictionary or any object System.Text.Json can serialize.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException">The key is invalid, or the value cannot be stored.</exception>
    /// <exception cref="InvalidOperationException">The session would be created but the response headers were already sent, or the path runs through a value that is not a document.</exception>
    public Task SetAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        return WriteAsync([SessionOperation.Set(key, ClrToBsonMapper.Map(value, key))], create: true, cancellationToken);
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
        return operations.Count == 0 ? Task.CompletedTask : WriteAsync(operations, create: true, cancellationToken);
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
        var operations = new List<SessionOperation>(document.Count);
        foreach (var element in document)
        {
            SessionKey.Validate(element.Name, nameof(values));
            operations.Add(SessionOperation.Set(element.Name, element.Value));
        }
        return operations.Count == 0 ? Task.CompletedTask : WriteAsync(operations, create: true, cancellationToken);
    }

    /// <summary>Reads one value, converted to <typeparamref name="T"/>; default when the key or the session is absent.</summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>.</exception>
    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return BsonToClrMapper.ConvertTo<T>(record?.Data.Find(key), key);
    }

    /// <summary>
    /// Reads the whole session as plain values: int, long, double, decimal, string, bool, DateTime (UTC), Guid,
    /// byte[], List&lt;object?&gt; and Dictionary&lt;string, object?&gt;. Empty when there is no session.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object?>> GetAsync(CancellationToken cancellationToken = default)
    {
        var record = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.ToDictionary() ?? s_empty;
    }

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
        return operations.Count == 0 ? Task.CompletedTask : WriteAsync(operations, create: false, cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="by"/> to an integer value atomically in the store (a missing key counts as 0) and returns
    /// the new value; concurrent increments are never lost. Creates the session when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key holds something other than a number, or the sum overflows.</exception>
    public async Task<long> IncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var result = await WriteAsync([SessionOperation.Increment(key, by)], create: true, cancellationToken).ConfigureAwait(false);
        return result!.Values.Find(key) switch
        {
            BsonInt64 l => l.Value,
            BsonInt32 i => i.Value,
            BsonDouble d when d.Value == Math.Floor(d.Value) && Math.Abs(d.Value) < 9e18 => (long)d.Value,
            var other => throw new InvalidOperationException($"Session key '{key}' holds a {other?.Type.ToString() ?? "missing value"} after the increment, not an integer."),
        };
    }

    /// <summary>Deletes the session from the store and tells the browser to drop the cookie. Without a session it only clears a cookie the request carried.</summary>
    public async Task EndAsync(CancellationToken cancellationToken = default)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadCookie();
            if (_id is not null)
            {
                await _manager.Store.DestroyAsync(_id, cancellationToken).ConfigureAwait(false);
            }
            bool browserHasCookie = _id is not null || _requestHadCookie || _setCookieHeader is not null;
            Forget();
            if (browserHasCookie)
            {
                SetCookieHeader(SetCookieWriter.BuildDeletion(_cookie, IsSecure()));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Turns the cookie into a browser-session cookie, deleted when the browser closes (for example when the user
    /// did not tick "remember me"). The choice is stored with the session, so later requests keep it; the session's
    /// expiry in the store is unchanged. Does nothing when there is no session.
    /// </summary>
    public async Task ExpireAsync(CancellationToken cancellationToken = default)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadCookie();
            if (_id is null)
            {
                return;
            }
            var now = _manager.Now();
            var update = new SessionUpdate(_id, [], now, expiresAt: null, createIfMissing: false) { BrowserSessionCookie = true };
            var result = await _manager.Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                Forget();
                return;
            }
            if (_record is not null)
            {
                _record.BrowserSessionCookie = true;
            }
            WriteSessionCookie(_id, expiresAt: now, browserSession: true, now);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SessionRecord?> LoadAsync(CancellationToken cancellationToken)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded)
            {
                return _record;
            }
            ReadCookie();
            if (_id is not null)
            {
                var now = _manager.Now();
                _record = await _manager.Store.LoadAsync(_id, now, cancellationToken).ConfigureAwait(false);
                if (_record is null)
                {
                    _id = null;
                }
                else if (_resign)
                {
                    WriteSessionCookie(_record.Id, _record.ExpiresAt, _record.BrowserSessionCookie, now);
                }
            }
            _loaded = true;
            return _record;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SessionWriteResult?> WriteAsync(IReadOnlyList<SessionOperation> operations, bool create, CancellationToken cancellationToken)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadCookie();
            var now = _manager.Now();
            var expiresAt = now + _manager.Expires;
            var store = _manager.Store;
            if (_id is not null)
            {
                var result = await store.UpdateAsync(new SessionUpdate(_id, operations, now, expiresAt, createIfMissing: false), cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    UpdateCachedCopy(operations, result, expiresAt);
                    WriteSessionCookie(_id, expiresAt, result.BrowserSessionCookie, now);
                    return result;
                }
                // ended or expired elsewhere: that id must never come back, so a write starts a new session
                Forget();
            }
            if (!create)
            {
                return null;
            }
            if (ResponseHeadersProbe.HeadersSent(_response))
            {
                throw new InvalidOperationException(
                    "Cannot create the session: the response headers were already sent, so its cookie could not reach the browser. " +
                    "Write to the session before writing the response body.");
            }
            var update = new SessionUpdate(SessionIdGenerator.NewId(), operations, now, expiresAt, createIfMissing: true);
            var created = await store.UpdateAsync(update, cancellationToken).ConfigureAwait(false)
                ?? throw new MongoSessException($"The session store {store.GetType().Name} did not create a session it was asked to create.");
            _id = update.Id;
            IsNew = true;
            // a new session holds exactly what this write put in it
            _record = SessionRecord.CreateFrom(update);
            _loaded = true;
            WriteSessionCookie(_id, expiresAt, created.BrowserSessionCookie, now);
            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    // keeps the copy later Gets read in step with this request's writes, without reading the session back; increments
    // take the store's value, which includes concurrent requests' increments
    private void UpdateCachedCopy(IReadOnlyList<SessionOperation> operations, SessionWriteResult result, DateTimeOffset expiresAt)
    {
        if (_record is null)
        {
            return;
        }
        var applied = new List<SessionOperation>(operations.Count);
        foreach (var operation in operations)
        {
            applied.Add(operation.Kind == SessionOperationKind.Increment && result.Values.Find(operation.Path) is { } value
                ? SessionOperation.Set(operation.Path, value)
                : operation);
        }
        try
        {
            _record.Data.Apply(applied);
            _record.ExpiresAt = expiresAt;
            _record.BrowserSessionCookie = result.BrowserSessionCookie;
        }
        catch (InvalidOperationException)
        {
            // another request changed the shape under us; the store accepted the write, so the copy is what is wrong
            _record = null;
            _loaded = false;
        }
    }

    private async ValueTask<SemaphoreSlim> EnterAsync(CancellationToken cancellationToken)
    {
        var gate = _gate ?? Interlocked.CompareExchange(ref _gate, new SemaphoreSlim(1, 1), null) ?? _gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return gate;
    }

    private void ReadCookie()
    {
        if (_cookieRead)
        {
            return;
        }
        _cookieRead = true;
        var header = _request.Headers["Cookie"];
        if (header is null)
        {
            return;
        }
        foreach (var value in new CookieHeaderParser(header, _cookie.Name))
        {
            _requestHadCookie = true;
            var verification = CookieSigner.Verify(value, _cookie.Keys!);
            if (verification.IsValid)
            {
                _id = verification.Id;
                _resign = !verification.SignedWithCurrentKey;
                return;
            }
            // the reason only: the value itself is a credential
            _manager.Logger.LogDebug("Session cookie rejected: {Reason}", verification.Rejection);
        }
    }

    private void Forget()
    {
        _id = null;
        _record = null;
        _loaded = true;
        IsNew = false;
    }

    // the cookie goes out with every change of the stored expiry, so browser and store forget the session together
    private void WriteSessionCookie(string id, DateTimeOffset expiresAt, bool browserSession, DateTimeOffset now)
    {
        TimeSpan? lifetime = browserSession || _cookie.MaxAge == TimeSpan.Zero ? null : _cookie.MaxAge ?? expiresAt - now;
        SetCookieHeader(SetCookieWriter.Build(_cookie, CookieSigner.Sign(id, _cookie.Keys!), lifetime, now, IsSecure()));
        _resign = false;
    }

    private void SetCookieHeader(string header)
    {
        if (ResponseHeadersProbe.HeadersSent(_response))
        {
            _manager.Logger.LogDebug("Session cookie not updated: the response headers were already sent");
            return;
        }
        if (_setCookieHeader is not null)
        {
            // one session cookie per response: replace the one this request set earlier, keep the application's own
            var existing = _response.Headers.GetValues("Set-Cookie") ?? [];
            _response.Headers.Remove("Set-Cookie");
            bool replaced = false;
            foreach (var value in existing)
            {
                if (!replaced && value == _setCookieHeader)
                {
                    replaced = true;
                    continue;
                }
                _response.AppendHeader("Set-Cookie", value);
            }
        }
        _response.AppendHeader("Set-Cookie", header);
        _setCookieHeader = header;
        // a response that carries a session cookie must not be stored by shared caches and served to someone else
        if (_response.Headers["Cache-Control"] is null)
        {
            _response.AddHeader("Cache-Control", "no-store");
        }
    }

    private bool IsSecure() => _cookie.Secure switch
    {
        CookieSecurePolicy.Always => true,
        CookieSecurePolicy.Never => false,
        // a prefixed name is only kept by the browser when Secure, whatever the request looked like
        _ => _cookie.RequiresSecure || _request.IsSecureConnection || (_cookie.TrustProxy && ForwardedProtoIsHttps()),
    };

    // the first X-Forwarded-Proto value is the one the client-facing proxy set
    private bool ForwardedProtoIsHttps()
    {
        var proto = _request.Headers["X-Forwarded-Proto"];
        if (proto is null)
        {
            return false;
        }
        int comma = proto.IndexOf(',');
        return (comma < 0 ? proto : proto[..comma]).Trim().Equals("https", StringComparison.OrdinalIgnoreCase);
    }
}
