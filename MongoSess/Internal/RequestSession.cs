using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoSessions.Values;
using MongoSessions.Cookies;
using MongoSessions.Diagnostics;

namespace MongoSessions.Internal;

/// <summary>
/// The session state of one request: at most one load, one store operation per write, a cached copy kept in step
/// with this request's writes, and the rule that an id which ended or expired never comes back. Calls are
/// serialized, so a request may call concurrently without creating two sessions.
/// </summary>
internal sealed class RequestSession
{
    private readonly SessionManager _manager;
    private readonly RequestCookies _cookies;
    private SemaphoreSlim? _gate;
    private bool _lotteryDrawn;
    private bool _idRead;
    private bool _loaded;
    // the token the cookie carries (or this request issued), the session key it names, and the hash the store knows
    private string? _token;
    private string? _id;
    private string? _tokenHash;
    // a regeneration replaced the presented token a moment ago: this request sees no session and must not start one
    private bool _replaced;
    private SessionRecord? _record;
    private Dictionary<string, BsonDocument>? _flash;
    private HashSet<string>? _flashShown;

    public RequestSession(SessionManager manager, RequestCookies cookies)
    {
        _manager = manager;
        _cookies = cookies;
    }

    /// <summary>The session's key, or null.</summary>
    public string? Id
    {
        get
        {
            ReadId();
            return _id;
        }
    }

    public bool IsNew { get; private set; }

    private ISessionStore Store => _manager.Store;

    /// <summary>The session as the store had it at the first read, with this request's writes applied; null without a session.</summary>
    public async Task<SessionRecord?> LoadAsync(CancellationToken cancellationToken)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LoadLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Applies the operations in one store call; creates the session when <paramref name="create"/> and there is none.</summary>
    /// <returns>The store's result, or null when there was no session and none was to be created.</returns>
    public async Task<SessionWriteResult?> WriteAsync(
        IReadOnlyList<SessionOperation> operations, bool create, CancellationToken cancellationToken, string? csrfToken = null, bool replaceCsrfToken = false)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadId();
            var now = _manager.Now();
            var expiresAt = now + _manager.Expires;
            if (_id is not null)
            {
                var existing = new SessionUpdate(_id, _tokenHash!, operations, now, expiresAt, createIfMissing: false) { CsrfToken = csrfToken, ReplaceCsrfToken = replaceCsrfToken };
                var result = await Store.UpdateAsync(existing, cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    UpdateCachedCopy(operations, result, expiresAt);
                    _cookies.WriteSession(_token!, Earliest(expiresAt, result.AbsoluteExpiresAt), result.BrowserSessionCookie, now);
                    return result;
                }
                if (create)
                {
                    // a new session's cookie would overwrite the one a regeneration just sent: find out which it is
                    await NoteIfReplacedAsync(now, cancellationToken).ConfigureAwait(false);
                }
                // ended or expired elsewhere: that session must never come back, so a write starts a new one
                Forget();
            }
            if (!create)
            {
                return null;
            }
            ThrowIfReplaced();
            var token = SessionToken.New();
            var update = new SessionUpdate(SessionToken.KeyOf(token), SessionToken.Hash(token), operations, now, expiresAt, createIfMissing: true)
            {
                AbsoluteExpiresAt = now + _manager.AbsoluteTimeout,
                // a form rendered before the session existed carries the sessionless token: the new session adopts it
                CsrfToken = csrfToken ?? _cookies.SessionlessCsrfToken,
            };
            var created = await CreateLockedAsync(update, token, cancellationToken).ConfigureAwait(false);
            SessionMetrics.Created();
            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes the session and expires the cookie; without a session only clears a cookie the browser holds.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadId();
            bool browserHasCookie = _id is not null || _cookies.BrowserHasCookie;
            if (_id is not null)
            {
                if (await Store.DestroyAsync(_id, _tokenHash, cancellationToken).ConfigureAwait(false))
                {
                    SessionMetrics.Ended();
                }
                else
                {
                    await NoteIfReplacedAsync(_manager.Now(), cancellationToken).ConfigureAwait(false);
                }
            }
            // deleting the cookie would delete the one a regeneration just sent, and log that browser out
            ThrowIfReplaced();
            Forget();
            if (browserHasCookie)
            {
                _cookies.WriteDeletion();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Marks the session's cookie as a browser-session cookie, in the store and in this response.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadId();
            if (_id is null)
            {
                return;
            }
            var now = _manager.Now();
            var update = new SessionUpdate(_id, _tokenHash!, [], now, expiresAt: null, createIfMissing: false) { BrowserSessionCookie = true };
            if (await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false) is null)
            {
                Forget();
                return;
            }
            if (_record is not null)
            {
                _record.BrowserSessionCookie = true;
            }
            _cookies.WriteSession(_token!, now, browserSession: true, now);
        }
        finally
        {
            gate.Release();
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
        var gate = await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReadId();
            if (_id is null)
            {
                return false;
            }
            if (_cookies.HeadersSent)
            {
                throw new InvalidOperationException(
                    "Cannot regenerate the session: the response headers were already sent, so its new cookie could not reach the browser. " +
                    "Regenerate before writing the response body.");
            }
            var now = _manager.Now();
            var expiresAt = now + _manager.Expires;
            // flash entries this request took with its load and has not shown go back, so a message flashed just
            // before a login survives it; entries still waiting in the store stay there, on the same session
            var operations = new List<SessionOperation>(TakenFlash.Count + extraOperations.Count);
            foreach (var (key, entry) in TakenFlash)
            {
                if (_flashShown is null || !_flashShown.Contains(key))
                {
                    operations.Add(SessionOperation.FlashSet(key + "." + NewEntryName(), entry.DeepClone().AsBsonDocument));
                }
            }
            operations.AddRange(extraOperations);
            var token = SessionToken.NewFor(_id);
            var update = new SessionUpdate(_id, _tokenHash!, operations, now, expiresAt, createIfMissing: false)
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
                Forget();
                return false;
            }
            _token = token;
            _tokenHash = update.NewTokenHash;
            UpdateCachedCopy(operations, result, expiresAt);
            _cookies.WriteSession(token, Earliest(expiresAt, result.AbsoluteExpiresAt), result.BrowserSessionCookie, now);
            SessionMetrics.Regenerated();
            IsNew = false;
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SessionRecord?> LoadLockedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return _record;
        }
        ReadId();
        if (_id is not null)
        {
            var now = _manager.Now();
            _record = await Store.LoadAsync(_id, now, cancellationToken).ConfigureAwait(false);
            if (_record is not null && !string.Equals(_record.TokenHash, _tokenHash, StringComparison.Ordinal))
            {
                // the session lives on under another token: this one opens nothing
                NoteIfReplaced(_record, now);
                _record = null;
            }
            if (_record is null)
            {
                Forget();
            }
            else
            {
                SessionMetrics.Loaded();
                if (HasWaitingFlash(_record) || IsTouchDue(_record, now))
                {
                    await SideWriteLockedAsync(_record, now, cancellationToken).ConfigureAwait(false);
                }
                else if (_cookies.SignedWithOldKey)
                {
                    _cookies.WriteSession(_token!, _record.EffectiveExpiresAt, _record.BrowserSessionCookie, now);
                }
            }
        }
        _loaded = true;
        return _record;
    }

    // the write a read may make: take the waiting flash values, or move the idle expiry
    private async Task SideWriteLockedAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            if (HasWaitingFlash(record))
            {
                await TakeFlashLockedAsync(record, now, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await TouchLockedAsync(record, now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MongoSessException e)
        {
            // a read must not fail because its side write did (a full disk, a store down for writes): serve what was
            // read; the expiry moves, or the flash shows, on a later request
            _manager.Logger.LogWarning(
                "A read of session {Session} could not extend it or take its flash values ({Error}); it is served as read",
                SessionLogId.Of(record.Id), e.Message);
        }
    }

    private async Task<SessionWriteResult> CreateLockedAsync(SessionUpdate update, string token, CancellationToken cancellationToken)
    {
        if (_cookies.HeadersSent)
        {
            throw new InvalidOperationException(
                "Cannot start the session: the response headers were already sent, so its cookie could not reach the browser. " +
                "Write to the session before writing the response body.");
        }
        var created = await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false)
            ?? throw new MongoSessException($"The session store {Store.GetType().Name} did not create a session it was asked to create.");
        (_token, _id, _tokenHash) = (token, update.Id, update.TokenHash);
        IsNew = true;
        // a new session holds exactly what this write put in it
        _record = SessionRecord.CreateFrom(update);
        _loaded = true;
        _cookies.WriteSession(token, _record.EffectiveExpiresAt, created.BrowserSessionCookie, update.Now);
        return created;
    }

    /// <summary>The CSRF token of a browser without a session: from its signed CSRF cookie, or a new one sent to it; no store call.</summary>
    public string SessionlessCsrfToken() => _cookies.IssueSessionlessCsrfToken(_manager.Now());

    /// <summary>The sessionless CSRF token the browser presented, or null.</summary>
    public string? PresentedSessionlessCsrfToken => _cookies.SessionlessCsrfToken;

    /// <summary>The flash entries this request took (key to its <c>{ v, t }</c> entry); empty before a load or without flash.</summary>
    public IReadOnlyDictionary<string, BsonDocument> TakenFlash => _flash ?? s_noFlash;

    private static readonly Dictionary<string, BsonDocument> s_noFlash = [];

    /// <summary>Adds a flash entry under a fresh name, so it can never overwrite another request's.</summary>
    public Task FlashAsync(string key, BsonValue value, CancellationToken cancellationToken)
    {
        var entry = new BsonDocument().Add("v", value).Add("t", BsonConversions.FromDateTimeOffset(_manager.Now()));
        return WriteAsync([SessionOperation.FlashSet(key + "." + NewEntryName(), entry)], create: true, cancellationToken);
    }

    /// <summary>Puts taken flash entries back for one more request, under fresh names and with their first times.</summary>
    public async Task KeepFlashAsync(IEnumerable<string>? keys, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        var operations = new List<SessionOperation>();
        foreach (var (key, entry) in TakenFlash)
        {
            if (keys is null || keys.Contains(key))
            {
                operations.Add(SessionOperation.FlashSet(key + "." + NewEntryName(), entry.DeepClone().AsBsonDocument));
            }
        }
        if (operations.Count > 0)
        {
            await WriteAsync(operations, create: false, cancellationToken).ConfigureAwait(false);
        }
    }

    // takes the entries this load saw in one atomic pull and shows what the pull returned: an entry another request
    // took first is not shown twice, and one written after the pull stays for the next request
    private async Task TakeFlashLockedAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pulls = new List<SessionOperation>();
        foreach (var key in record.Flash.Document)
        {
            if (key.Value is BsonDocument entries)
            {
                foreach (var entry in entries)
                {
                    pulls.Add(SessionOperation.FlashPull(key.Name + "." + entry.Name));
                }
            }
        }
        var expiresAt = now + _manager.Expires;
        var result = await Store.UpdateAsync(new SessionUpdate(record.Id, _tokenHash!, pulls, now, expiresAt, createIfMissing: false), cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            Forget();
            return;
        }
        _flash = [];
        foreach (var key in result.FlashValues.Document)
        {
            if (key.Value is BsonDocument entries && Latest(entries) is { } latest)
            {
                _flash[key.Name] = latest;
            }
        }
        record.Flash.Document.Clear();
        // the take moved the idle expiry too, so it counts as this read's touch
        record.ExpiresAt = expiresAt;
        _cookies.WriteSession(_token!, record.EffectiveExpiresAt, record.BrowserSessionCookie, now);
    }

    // several entries under one key: the latest flash wins, as in Laravel; entries of one millisecond are told apart
    // by their names, which grow with time
    private static BsonDocument? Latest(BsonDocument entries)
    {
        BsonDocument? latest = null;
        long latestTime = long.MinValue;
        string latestName = "";
        foreach (var entry in entries)
        {
            if (entry.Value is not BsonDocument candidate)
            {
                continue;
            }
            long time = candidate.GetValue("t", null) is BsonDateTime t ? t.MillisecondsSinceEpoch : 0;
            if (latest is null || time > latestTime || (time == latestTime && string.CompareOrdinal(entry.Name, latestName) > 0))
            {
                (latest, latestTime, latestName) = (candidate, time, entry.Name);
            }
        }
        return latest;
    }

    private static bool HasWaitingFlash(SessionRecord record)
    {
        // taking a flash unsets its entries and leaves the key's empty document behind: that is not a flash waiting
        foreach (var key in record.Flash.Document)
        {
            if (key.Value is BsonDocument { ElementCount: > 0 })
            {
                return true;
            }
        }
        return false;
    }

    private static long s_lastEntryTicks;

    // a name that sorts after every earlier one of this process (UTC ticks, strictly increasing), with a random tail
    // so that two processes never pick the same one
    private static string NewEntryName()
    {
        long ticks = DateTime.UtcNow.Ticks;
        long last;
        do
        {
            last = Volatile.Read(ref s_lastEntryTicks);
            if (ticks <= last)
            {
                ticks = last + 1;
            }
        }
        while (Interlocked.CompareExchange(ref s_lastEntryTicks, ticks, last) != last);
        return ticks.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + SessionToken.New()[..8];
    }

    /// <summary>The flash entry this request took for <paramref name="key"/>, now counted as shown; null when there is none.</summary>
    public BsonDocument? ShowFlash(string key)
    {
        if (!TakenFlash.TryGetValue(key, out var entry))
        {
            return null;
        }
        (_flashShown ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        return entry;
    }

    // the session was last extended at ExpiresAt - Expires; a read extends it again once TouchAfter has passed since
    private bool IsTouchDue(SessionRecord record, DateTimeOffset now) =>
        _manager.TouchAfter != Timeout.InfiniteTimeSpan && now - (record.ExpiresAt - _manager.Expires) >= _manager.TouchAfter;

    // one small update that moves the idle expiry and writes no data; the cookie moves with it
    private async Task TouchLockedAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expiresAt = now + _manager.Expires;
        var result = await Store.UpdateAsync(new SessionUpdate(record.Id, _tokenHash!, [], now, expiresAt, createIfMissing: false), cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            Forget();
            return;
        }
        record.ExpiresAt = expiresAt;
        _cookies.WriteSession(_token!, record.EffectiveExpiresAt, record.BrowserSessionCookie, now);
    }

    private static DateTimeOffset Earliest(DateTimeOffset expiresAt, DateTimeOffset? absolute) =>
        absolute is { } a && a < expiresAt ? a : expiresAt;

    // keeps the copy later reads use in step with this request's writes, without reading the session back; increments
    // take the store's value, which includes concurrent requests' increments
    private void UpdateCachedCopy(IReadOnlyList<SessionOperation> operations, SessionWriteResult result, DateTimeOffset expiresAt)
    {
        if (_record is null)
        {
            return;
        }
        var applied = new List<SessionOperation>(operations.Count);
        var flash = new List<SessionOperation>();
        foreach (var operation in operations)
        {
            if (operation.Area == SessionArea.Flash)
            {
                // flash entries have names of their own, so this request's are safe to add to the copy
                flash.Add(operation);
                continue;
            }
            applied.Add(operation.Kind == SessionOperationKind.Increment && result.Values.Find(operation.Path) is { } value
                ? SessionOperation.Set(operation.Path, value)
                : operation);
        }
        try
        {
            _record.Data.Apply(applied);
            _record.Flash.Apply(flash);
            _record.ExpiresAt = expiresAt;
            _record.BrowserSessionCookie = result.BrowserSessionCookie;
            _record.CsrfToken = result.CsrfToken;
        }
        catch (InvalidOperationException)
        {
            // another request changed the shape under us; the store accepted the write, so the copy is what is wrong
            _record = null;
            _loaded = false;
        }
    }

    private void ReadId()
    {
        if (!_idRead)
        {
            _idRead = true;
            if (_cookies.VerifiedToken is { } token)
            {
                (_token, _id, _tokenHash) = (token, SessionToken.KeyOf(token), SessionToken.Hash(token));
            }
        }
    }

    /// <summary>
    /// How long after a regeneration a request with the replaced token counts as one that was in flight when it
    /// happened: it sees no session and may not start one (<see cref="MongoSessSessionReplacedException"/>). Later the
    /// old token is treated like an ended session's, so a browser that never received the new cookie is not stuck.
    /// </summary>
    public static readonly TimeSpan ReplacedTokenGrace = TimeSpan.FromMinutes(1);

    // the session lives under another token: a regeneration within the grace period makes this a request in flight
    private void NoteIfReplaced(SessionRecord current, DateTimeOffset now)
    {
        if (!string.Equals(current.TokenHash, _tokenHash, StringComparison.Ordinal) && current.TokenReplacedAt is { } replaced && now - replaced < ReplacedTokenGrace)
        {
            _replaced = true;
        }
    }

    // after a write or end found no session for the token: one read to tell a replaced token from a session that is
    // gone (only then, so the common paths keep their single store call)
    private async Task NoteIfReplacedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await Store.LoadAsync(_id!, now, cancellationToken).ConfigureAwait(false) is { } current)
        {
            NoteIfReplaced(current, now);
        }
    }

    private void ThrowIfReplaced()
    {
        if (_replaced)
        {
            throw new MongoSessSessionReplacedException(
                "The request's session cookie was replaced a moment ago by a regeneration (a login, in another tab or request); " +
                "nothing was written and no new session was started, so the browser keeps its new cookie. Answer 409 or retry: " +
                "the browser's next request carries the new cookie.");
        }
    }

    private void Forget()
    {
        _token = null;
        _id = null;
        _tokenHash = null;
        _record = null;
        _loaded = true;
        IsNew = false;
    }

    private async ValueTask<SemaphoreSlim> EnterAsync(CancellationToken cancellationToken)
    {
        var gate = _gate ?? Interlocked.CompareExchange(ref _gate, new SemaphoreSlim(1, 1), null) ?? _gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_lotteryDrawn)
        {
            // one draw per request that uses its session; requests that never touch it cost nothing
            _lotteryDrawn = true;
            _manager.DrawCleanupLottery();
        }
        return gate;
    }
}
