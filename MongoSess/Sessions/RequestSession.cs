using Microsoft.Extensions.Logging;
using MongoSessions.Cookies;
using MongoSessions.Diagnostics;

namespace MongoSessions.Sessions;

/// <summary>
/// The session state of one request: at most one load, one store operation per write, a cached copy kept in step
/// with this request's writes, and the rule that a session which ended or expired never comes back. Calls are
/// serialized by a gate, so a request may call concurrently without creating two sessions.
/// </summary>
internal sealed partial class RequestSession
{
    /// <summary>
    /// How long after a regeneration a request with the replaced token counts as one that was in flight when it
    /// happened: it sees no session and may not start one (<see cref="MongoSessSessionReplacedException"/>). Later the
    /// old token is treated like an ended session's, so a browser that never received the new cookie is not stuck.
    /// </summary>
    public static readonly TimeSpan ReplacedTokenGrace = TimeSpan.FromMinutes(1);

    private readonly MongoSessClient _client;
    private readonly ISessionTransport _cookies;
    private readonly RequestFlash _flash = new();
    private SemaphoreSlim? _gate;
    private bool _lotteryDrawn;
    private RequestState _state;
    private string? _token;
    private string? _key;
    private string? _tokenHash;
    private SessionRecord? _record;
    private TimeSpan? _idleTimeout;

    public RequestSession(MongoSessClient client, ISessionTransport cookies)
    {
        _client = client;
        _cookies = cookies;
    }

    /// <summary>The session's key, or null.</summary>
    public string? Id
    {
        get
        {
            ReadCookie();
            return _key;
        }
    }

    public bool IsNew { get; private set; }

    public RequestFlash Flash => _flash;

    public MongoSessClient Client => _client;

    private ISessionStore Store => _client.Store;

    /// <summary>The session as the store had it at the first read, with this request's writes applied; null without a session.</summary>
    public async Task<SessionRecord?> LoadAsync(CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the operations in one store call; creates the session when <paramref name="create"/> and there is none.</summary>
    /// <returns>The store's result, or null when there was no session and none was to be created.</returns>
    public async Task<SessionWriteResult?> WriteAsync(
        IReadOnlyList<SessionOperation> operations, bool create, CancellationToken cancellationToken, string? csrfToken = null, bool replaceCsrfToken = false,
        SessionLifetime? lifetime = null, string? userId = null, IReadOnlyDictionary<string, string>? clientInfo = null)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadCookie();
            var now = _client.Now();
            var expiresAt = now + (lifetime?.IdleTimeout ?? IdleTimeout);
            if (_state is RequestState.Named or RequestState.Loaded)
            {
                // like a read, a write moves the idle expiry (and re-sends a cookie that carries it) only once it is
                // due: the store moves it only later, in the same atomic step, to a candidate that only the first
                // write of each half TouchAfter can move it to, so browser and store keep agreeing
                var touchAfter = lifetime is null ? TouchAfter : null;
                var asked = touchAfter is { } step ? SteppedExpiry(expiresAt, step) : expiresAt;
                var update = new SessionUpdate(_key!, _tokenHash!, operations, now, asked, createIfMissing: false)
                {
                    CsrfToken = csrfToken,
                    ReplaceCsrfToken = replaceCsrfToken,
                    IdleTimeout = lifetime?.IdleTimeout,
                    BrowserSessionCookie = lifetime?.BrowserSession,
                    UserId = userId,
                    ClientInfo = clientInfo,
                    ExtendOnly = touchAfter is not null,
                };
                if (await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false) is { } result)
                {
                    if (userId is not null && _record is not null)
                    {
                        _record.UserId = userId;
                        _record.ClientInfo = clientInfo ?? _record.ClientInfo;
                    }
                    if (lifetime is { } set)
                    {
                        _idleTimeout = set.IdleTimeout;
                    }
                    var (kept, moved) = await ReconcileIdleTimeoutAsync(result, now, asked, cancellationToken).ConfigureAwait(false);
                    UpdateCachedCopy(operations, result, kept);
                    if (moved || CookieSlides || _cookies.SignedWithOldKey)
                    {
                        SendCookie(kept, result.AbsoluteExpiresAt, result.BrowserSessionCookie, now, kindChanged: lifetime is not null);
                    }
                    return result;
                }
                // ended, expired or replaced elsewhere: that session must never come back
                await ForgetAsync(probeReplaced: create, now, cancellationToken).ConfigureAwait(false);
            }
            if (!create)
            {
                return null;
            }
            ThrowIfReplaced();
            return await CreateLockedAsync(operations, now, expiresAt, csrfToken, lifetime, userId, clientInfo, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the session and expires the cookie; without a session only clears a cookie the browser holds.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadCookie();
            bool browserHasCookie = _key is not null || _cookies.BrowserHasCookie;
            if (_state is RequestState.Named or RequestState.Loaded)
            {
                if (await Store.EndAsync(_key!, _tokenHash, cancellationToken).ConfigureAwait(false))
                {
                    SessionMetrics.Ended();
                    Become(RequestState.None);
                }
                else
                {
                    await ForgetAsync(probeReplaced: true, _client.Now(), cancellationToken).ConfigureAwait(false);
                }
            }
            // deleting the cookie would delete the one a regeneration just sent, and log that browser out
            ThrowIfReplaced();
            if (browserHasCookie)
            {
                _cookies.WriteDeletion();
            }
        }
    }

    /// <summary>Marks the session's cookie as a browser-session cookie, in the store and in this response.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadCookie();
            if (_state is not (RequestState.Named or RequestState.Loaded))
            {
                return;
            }
            var now = _client.Now();
            var update = new SessionUpdate(_key!, _tokenHash!, [], now, expiresAt: null, createIfMissing: false) { BrowserSessionCookie = true };
            if (await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false) is null)
            {
                await ForgetAsync(probeReplaced: false, now, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (_record is not null)
            {
                _record.BrowserSessionCookie = true;
            }
            SendCookie(now, null, browserSession: true, now, kindChanged: true);
        }
    }

    /// <summary>
    /// Gives the session a new token in one atomic store step on the session itself: its data, flash entries, creation
    /// time and cookie kind stay where they are, every write acknowledged before it (on the old token) is kept, the old
    /// token opens nothing afterwards, and a session ended before or during it stays ended. The CSRF token is replaced
    /// too. Sends the new cookie. Does nothing without a session.
    /// </summary>
    /// <returns>True when the session was regenerated; false when there was no session (or it ended meanwhile).</returns>
    public async Task<bool> RegenerateAsync(IReadOnlyList<SessionOperation> extraOperations, CancellationToken cancellationToken)
    {
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            ReadCookie();
            if (_state is not (RequestState.Named or RequestState.Loaded))
            {
                return false;
            }
            if (_cookies.HeadersSent)
            {
                throw new InvalidOperationException(
                    "Cannot regenerate the session: the response headers were already sent, so its new cookie could not reach the browser. " +
                    "Regenerate before writing the response body.");
            }
            var now = _client.Now();
            var expiresAt = now + IdleTimeout;
            // flash entries this request took with its load and has not shown go back, so a message flashed just
            // before a login survives it; entries still waiting in the store stay there, on the same session
            var operations = _flash.Restore(keys: null, unshownOnly: true);
            operations.AddRange(extraOperations);
            var token = SessionToken.NewFor(_key!);
            var update = new SessionUpdate(_key!, _tokenHash!, operations, now, expiresAt, createIfMissing: false)
            {
                NewTokenHash = SessionToken.Hash(token),
                // OWASP: a new session after a privilege change also gets a new anti-CSRF token
                CsrfToken = SessionToken.New(),
                ReplaceCsrfToken = true,
            };
            var result = await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                // ended, expired or regenerated elsewhere: nothing to move, and nothing comes back
                await ForgetAsync(probeReplaced: false, now, cancellationToken).ConfigureAwait(false);
                return false;
            }
            Name(token, _state);
            (expiresAt, _) = await ReconcileIdleTimeoutAsync(result, now, expiresAt, cancellationToken).ConfigureAwait(false);
            UpdateCachedCopy(operations, result, expiresAt);
            SendCookie(expiresAt, result.AbsoluteExpiresAt, result.BrowserSessionCookie, now);
            SessionMetrics.Regenerated();
            IsNew = false;
            return true;
        }
    }

    /// <summary>The CSRF token of a browser without a session: from its signed CSRF cookie, or a new one sent to it; no store call.</summary>
    public string SessionlessCsrfToken() => _cookies.IssueSessionlessCsrfToken(_client.Now());

    /// <summary>The sessionless CSRF token the browser presented, or null.</summary>
    public string? PresentedSessionlessCsrfToken => _cookies.SessionlessCsrfToken;

    /// <summary>Adds a flash entry under a fresh name, so it can never overwrite another request's.</summary>
    public Task FlashAsync(string key, MongoDB.Bson.BsonValue value, CancellationToken cancellationToken) =>
        WriteAsync([FlashEntry.Now(value, _client.Now()).ToOperation(key)], create: true, cancellationToken);

    /// <summary>Puts taken flash entries back for one more request, under fresh names and with their first times.</summary>
    public async Task KeepFlashAsync(IEnumerable<string>? keys, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        var operations = _flash.Restore(keys, unshownOnly: false);
        if (operations.Count > 0)
        {
            await WriteAsync(operations, create: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SessionRecord?> LoadLockedAsync(CancellationToken cancellationToken)
    {
        ReadCookie();
        if (_state != RequestState.Named)
        {
            return _record;
        }
        var now = _client.Now();
        var record = await Store.LoadAsync(_key!, now, cancellationToken).ConfigureAwait(false);
        if (record is null || !string.Equals(record.TokenHash, _tokenHash, StringComparison.Ordinal))
        {
            // gone, or living on under another token, which this one does not open
            Forget(record, now);
            return null;
        }
        _record = record;
        _idleTimeout = record.IdleTimeout;
        Become(RequestState.Loaded);
        SessionMetrics.Loaded();
        if (FlashEntry.AnyWaiting(record.Flash) || IsTouchDue(record, now))
        {
            await SideWriteLockedAsync(record, now, cancellationToken).ConfigureAwait(false);
        }
        else if (_cookies.SignedWithOldKey)
        {
            SendCookie(record.ExpiresAt, record.AbsoluteExpiresAt, record.BrowserSessionCookie, now);
        }
        return _record;
    }

    private async Task<SessionWriteResult> CreateLockedAsync(
        IReadOnlyList<SessionOperation> operations, DateTimeOffset now, DateTimeOffset expiresAt, string? csrfToken, SessionLifetime? lifetime,
        string? userId, IReadOnlyDictionary<string, string>? clientInfo, CancellationToken cancellationToken)
    {
        if (_cookies.HeadersSent)
        {
            throw new InvalidOperationException(
                "Cannot start the session: the response headers were already sent, so its cookie could not reach the browser. " +
                "Write to the session before writing the response body.");
        }
        var token = SessionToken.New();
        var update = new SessionUpdate(SessionToken.KeyOf(token), SessionToken.Hash(token), operations, now, expiresAt, createIfMissing: true)
        {
            AbsoluteExpiresAt = now + _client.AbsoluteTimeout,
            // a form rendered before the session existed carries the sessionless token: the new session adopts it
            CsrfToken = csrfToken ?? _cookies.SessionlessCsrfToken,
            IdleTimeout = lifetime?.IdleTimeout,
            BrowserSessionCookie = lifetime?.BrowserSession,
            UserId = userId,
            ClientInfo = clientInfo,
        };
        var created = await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false)
            ?? throw new MongoSessException($"The session store {Store.Name} did not create a session it was asked to create.");
        Name(token, RequestState.Loaded);
        _idleTimeout = lifetime?.IdleTimeout;
        IsNew = true;
        // a new session holds exactly what this write put in it
        _record = SessionRecord.CreateFrom(update);
        SendCookie(expiresAt, update.AbsoluteExpiresAt, created.BrowserSessionCookie, now);
        SessionMetrics.Created();
        return created;
    }

}
