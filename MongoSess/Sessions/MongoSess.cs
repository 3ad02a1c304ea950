using System.Net;
using MongoSessions.Cookies;
using MongoSessions.Diagnostics;
using MongoSessions.Sessions;

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
/// The static methods work on the default <see cref="MongoSessClient"/> that <see cref="ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/>
/// makes; an application with several configurations (an admin area beside the public site) creates a
/// <see cref="MongoSessClient"/> for each and opens sessions with <see cref="MongoSessClient.Open(HttpListenerContext, SessionCookieOptions?)"/>.
/// </remarks>
public sealed partial class MongoSess
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> MongoSess reports its metrics through:
    /// <c>dotnet-counters monitor --counters MongoSess</c>, or OpenTelemetry's <c>AddMeter(MongoSess.MeterName)</c>.
    /// </summary>
    public const string MeterName = MongoSessInstrumentation.Name;

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> that traces every session store operation:
    /// OpenTelemetry's <c>AddSource(MongoSess.ActivitySourceName)</c>.
    /// </summary>
    public const string ActivitySourceName = MongoSessInstrumentation.Name;

    private static readonly SemaphoreSlim s_lifecycle = new(1, 1);
    private static volatile MongoSessClient? s_default;

    private readonly RequestSession _session;
    private readonly BearerTokenTransport? _bearer;

    /// <summary>Creates the session of one request on the default client. Does no I/O: nothing is read until the first Get or write.</summary>
    /// <param name="request">The request, whose <c>Cookie</c> header may carry the session token.</param>
    /// <param name="response">The response, which receives the <c>Set-Cookie</c> header when the session starts, changes token or ends.</param>
    /// <param name="cookie">Cookie options for this request only, replacing <see cref="MongoSessOptions.Cookie"/>; keys not set here are inherited.</param>
    /// <exception cref="InvalidOperationException">MongoSess is not connected.</exception>
    public MongoSess(HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions? cookie = null)
        : this(Required, request, response, cookie)
    {
    }

    /// <summary>Creates the session of one request (see <see cref="MongoSess(HttpListenerRequest, HttpListenerResponse, SessionCookieOptions?)"/>).</summary>
    public MongoSess(HttpListenerContext context, SessionCookieOptions? cookie = null)
        : this((context ?? throw new ArgumentNullException(nameof(context))).Request, context.Response, cookie)
    {
    }

    internal MongoSess(MongoSessClient client, HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions? cookie)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var options = cookie is null ? client.Cookie : cookie.Validated(client.Cookie.Keys);
        _session = new RequestSession(client, new RequestCookies(request, response, options, client.Logger));
    }

    internal MongoSess(MongoSessClient client, BearerTokenTransport bearer)
    {
        _bearer = bearer;
        _session = new RequestSession(client, bearer);
    }

    /// <summary>
    /// The session of one API request on the default client, carried in an <c>Authorization: Bearer &lt;token&gt;</c>
    /// header instead of a cookie (apps, CLI tools, game servers): the same store, signing, expiry and guarantees,
    /// no cookie ever written. A write in a request without a token creates a session; hand its
    /// <see cref="IssuedToken"/> to the client. Check <see cref="ExistsAsync"/> before writing when a token was
    /// presented, so that an expired or ended one gets a 401 rather than a new session.
    /// </summary>
    /// <exception cref="InvalidOperationException">MongoSess is not connected.</exception>
    public static MongoSess FromBearerToken(HttpListenerRequest request) => Required.OpenBearer(request);

    /// <summary>
    /// For a session carried in a bearer token (<see cref="FromBearerToken"/>): the signed token to give the client,
    /// when this request created the session, regenerated it, or re-signed it with a newer key; null otherwise, and
    /// always null for a cookie session (the cookie carries it).
    /// </summary>
    public string? IssuedToken => _bearer?.IssuedToken;

    /// <summary>
    /// The session's key (<see cref="SessionRecord.Id"/>): the one the request's signed cookie names, or the one this
    /// request created; null when there is no session. It stays the same across regenerations and is not a credential
    /// (the cookie's token is, and neither the application nor the store ever sees it), so it is safe to log or show,
    /// and <see cref="MongoSessClient.EndAsync"/> takes it. Before the first read or write it is not yet known whether
    /// the store still has that session.
    /// </summary>
    public string? Id => _session.Id;

    /// <summary>True when this request created the session.</summary>
    public bool IsNew => _session.IsNew;

    /// <summary>
    /// How long after a regeneration a request that still carries the replaced cookie (one that was in flight) is
    /// recognised as such: it sees no session, and a write that would start one, or <see cref="EndAsync(CancellationToken)"/>,
    /// throws <see cref="MongoSessSessionReplacedException"/> instead of sending a cookie that would overwrite the new
    /// one. After it, the old cookie is treated like an ended session's. One minute.
    /// </summary>
    public static TimeSpan ReplacedTokenGrace => RequestSession.ReplacedTokenGrace;

    /// <summary>The client <see cref="ConnectAsync(ISessionStore, MongoSessOptions?, CancellationToken)"/> made, or null when not connected.</summary>
    public static MongoSessClient? DefaultClient => s_default;

    /// <summary>True between a successful connect and <see cref="CloseAsync"/>.</summary>
    public static bool IsConnected => s_default is not null;

    private static MongoSessClient Required => s_default ?? throw new InvalidOperationException(
        "MongoSess is not connected: call await MongoSess.ConnectAsync(...) once at startup, before handling requests.");

    /// <summary>Connects MongoSess to a session store; call once at startup.</summary>
    /// <param name="store">Where sessions live: <see cref="MemorySessionStore"/>, <see cref="FileSessionStore"/>, <see cref="MongoSessionStore"/> or your own <see cref="ISessionStore"/>. Closing MongoSess disposes it.</param>
    /// <param name="options">Timeouts, cookie and logging; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <exception cref="InvalidOperationException">MongoSess is already connected; call <see cref="CloseAsync"/> first.</exception>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public static Task ConnectAsync(ISessionStore store, MongoSessOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return SetDefaultAsync(ct => MongoSessClient.ConnectAsync(store, options, ct), cancellationToken);
    }

    /// <summary>
    /// Connects MongoSess to MongoDB, as <see cref="MongoSessOptions.ConnectionString"/> (or <see cref="MongoSessOptions.Servers"/>,
    /// <see cref="MongoSessOptions.ClientSettings"/>) says; call once at startup. It waits for a primary, authenticates
    /// and creates the TTL indexes, so a wrong address, an unreachable server or wrong credentials fail here rather
    /// than on the first request.
    /// </summary>
    /// <exception cref="MongoSessConfigurationException">The connection string or an option is invalid; the message never contains the password.</exception>
    /// <exception cref="MongoSessConnectionException">No primary could be reached within the server selection timeout.</exception>
    /// <exception cref="MongoSessAuthenticationException">The server refused the credentials.</exception>
    /// <exception cref="InvalidOperationException">MongoSess is already connected.</exception>
    public static Task ConnectAsync(MongoSessOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SetDefaultAsync(ct => MongoSessClient.ConnectAsync(options, ct), cancellationToken);
    }

    private static async Task SetDefaultAsync(Func<CancellationToken, Task<MongoSessClient>> connect, CancellationToken cancellationToken)
    {
        if (s_default is not null)
        {
            // before any I/O: a second connect is a mistake, not something to find out after dialling MongoDB
            throw AlreadyConnected();
        }
        var client = await connect(cancellationToken).ConfigureAwait(false);
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (s_default is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw AlreadyConnected();
            }
            s_default = client;
        }
        finally
        {
            s_lifecycle.Release();
        }
    }

    private static InvalidOperationException AlreadyConnected() =>
        new("MongoSess is already connected; call await MongoSess.CloseAsync() before connecting again.");

    /// <summary>
    /// Stops the expiry sweep (waiting for a running one) and disposes the store. Calling it when not connected does
    /// nothing. Requests still running may fail; close after the listener has stopped.
    /// </summary>
    public static async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        await s_lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var client = s_default;
            s_default = null;
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            s_lifecycle.Release();
        }
    }

    /// <summary>The same as <see cref="CloseAsync"/>, under the original MongoSess's name.</summary>
    public static Task DisconnectAsync(CancellationToken cancellationToken = default) => CloseAsync(cancellationToken);

    /// <summary>Streams every live session (<see cref="MongoSessClient.ListAsync"/> on the default client).</summary>
    public static IAsyncEnumerable<SessionRecord> ListAsync(CancellationToken cancellationToken = default) => Required.ListAsync(cancellationToken);

    /// <summary>Counts the live sessions (<see cref="MongoSessClient.CountAsync"/> on the default client).</summary>
    public static Task<long> CountAsync(CancellationToken cancellationToken = default) => Required.CountAsync(cancellationToken);

    /// <summary>Ends every session (<see cref="MongoSessClient.ClearAsync"/> on the default client).</summary>
    public static Task ClearAsync(CancellationToken cancellationToken = default) => Required.ClearAsync(cancellationToken);

    /// <summary>Ends one session by its key (<see cref="MongoSessClient.EndAsync"/> on the default client).</summary>
    /// <returns>True when a session was ended.</returns>
    public static Task<bool> EndAsync(string key, CancellationToken cancellationToken = default) => Required.EndAsync(key, cancellationToken);

    /// <summary>Ends every live session whose value at a key matches (<see cref="MongoSessClient.EndWhereAsync"/> on the default client).</summary>
    /// <returns>How many sessions were ended.</returns>
    public static Task<long> EndWhereAsync(string key, object? value, CancellationToken cancellationToken = default) => Required.EndWhereAsync(key, value, cancellationToken);

    /// <summary>Removes the expired sessions now (<see cref="MongoSessClient.RemoveExpiredAsync"/> on the default client).</summary>
    /// <returns>How many were removed.</returns>
    public static Task<long> RemoveExpiredAsync(CancellationToken cancellationToken = default) => Required.RemoveExpiredAsync(cancellationToken);
}
