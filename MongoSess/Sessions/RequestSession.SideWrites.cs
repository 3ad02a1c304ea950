using Microsoft.Extensions.Logging;
using MongoSessions.Diagnostics;

namespace MongoSessions.Sessions;

// the session's expiry and cookie, the write a read may make (take the waiting flash values, or move the idle
// expiry), and the cached copy
internal sealed partial class RequestSession
{
    private async Task SideWriteLockedAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            // taking the flash values moves the idle expiry too, so it counts as this read's touch
            var operations = FlashEntry.AnyWaiting(record.Flash) ? RequestFlash.PullsFor(record) : [];
            var expiresAt = now + IdleTimeout;
            var update = new SessionUpdate(_key!, _tokenHash!, operations, now, expiresAt, createIfMissing: false);
            if (await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false) is not { } result)
            {
                Forget(current: null, now);
                return;
            }
            if (operations.Count > 0)
            {
                _flash.Took(result.FlashValues);
                record.Flash.Document.Clear();
            }
            record.ExpiresAt = expiresAt;
            SendCookie(expiresAt, record.AbsoluteExpiresAt, record.BrowserSessionCookie, now);
        }
        catch (MongoSessException e)
        {
            // a read must not fail because its side write did (a full disk, a store down for writes): serve what was
            // read; the expiry moves, or the flash shows, on a later request
            _client.Logger.LogWarning(
                "A read of session {Session} could not extend it or take its flash values ({Error}); it is served as read",
                SessionLogId.Of(record.Id), e.Message);
        }
    }

    // the session was last extended at ExpiresAt - IdleTimeout; a read extends it again once TouchAfter has passed since
    private bool IsTouchDue(SessionRecord record, DateTimeOffset now) =>
        TouchAfter is { } touchAfter && now - (record.ExpiresAt - IdleTimeout) >= touchAfter;

    // the idle expiry a write asks the store to extend to (never earlier than it is): the exact one in whole
    // milliseconds, rounded down to the start of its step (half touchAfter), then one millisecond earlier for each
    // second into the step. The first write of a step moves the stored expiry; the step's later writes ask for an
    // earlier one and leave it, and the cookie, alone (those in the same second ask for the same one, and resend the
    // same cookie); every candidate of the next step is later again. A write thus leaves the session at least its idle
    // timeout less about half touchAfter, and the cookie goes out at most about twice per touchAfter
    internal static DateTimeOffset SteppedExpiry(DateTimeOffset expiresAt, TimeSpan touchAfter)
    {
        long step = Math.Max(1, (long)touchAfter.TotalMilliseconds / 2);
        long exact = expiresAt.ToUnixTimeMilliseconds();
        long offset = exact % step;
        return DateTimeOffset.FromUnixTimeMilliseconds(exact - offset - 1 - offset / 1000);
    }

    // how far a request must be able to move the idle expiry before it moves it: TouchAfter, but at most half the idle
    // timeout, so that a session in use never expires for want of a touch; null when TouchAfter is infinite (reads then
    // never move it, and writes always do)
    private TimeSpan? TouchAfter =>
        _client.TouchAfter == Timeout.InfiniteTimeSpan ? null
        : _client.TouchAfter < IdleTimeout / 2 ? _client.TouchAfter
        : IdleTimeout / 2;

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
            _record.IdleTimeout = result.IdleTimeout;
        }
        catch (InvalidOperationException)
        {
            // another request changed the shape under us; the store accepted the write, so the copy is what is wrong
            _record = null;
            Become(RequestState.Named);
        }
    }

    /// <summary>
    /// Sends the session cookie. Its expiry is the session's: the earlier of the idle and the absolute expiry, which
    /// the cookie options may only shorten. <paramref name="kindChanged"/>: this request changed the cookie's kind or
    /// lifetime (remember me, <c>ExpireAsync</c>), so even a browser-session cookie the browser holds must be replaced.
    /// </summary>
    private void SendCookie(DateTimeOffset idleExpiry, DateTimeOffset? absoluteExpiry, bool browserSession, DateTimeOffset now, bool kindChanged = false) =>
        _cookies.WriteSession(
            _token!, absoluteExpiry is { } absolute && absolute < idleExpiry ? absolute : idleExpiry, browserSession, ownLifetime: _idleTimeout is not null, now, kindChanged);

    // a cookie whose MaxAge is shorter than the session's idle timeout expires MaxAge after it was last sent, so every
    // write sends it again, whether or not the stored expiry moved (a session with a lifetime of its own ignores MaxAge)
    private bool CookieSlides => _idleTimeout is null && _cookies.FixedLifetime is { } fixedLifetime && fixedLifetime < IdleTimeout;

    /// <summary>The session's idle timeout: its own (remember me), as far as this request knows it, or the configured one.</summary>
    private TimeSpan IdleTimeout => _idleTimeout ?? _client.Expires;

    // the idle expiry the store kept after a write, and whether the write moved it: a store that honours ExtendOnly
    // reports the one it kept, which is the write's own when it moved it (or when another write asked for the very
    // same one: both then send the same cookie); one that does not (null) always sets the write's. A write that did not follow a load
    // assumed the configured idle timeout; a session with one of its own (the store says so in the write's result) gets
    // its expiry corrected with one more small update when that moves it, so store and cookie agree
    private async Task<(DateTimeOffset ExpiresAt, bool Moved)> ReconcileIdleTimeoutAsync(
        SessionWriteResult result, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var current = result.ExpiresAt ?? expiresAt;
        bool moved = current == expiresAt;
        if (result.IdleTimeout == _idleTimeout)
        {
            return (current, moved);
        }
        _idleTimeout = result.IdleTimeout;
        var corrected = now + IdleTimeout;
        if (!moved && TouchAfter is { } touchAfter && corrected - current < touchAfter)
        {
            // the store kept an expiry that is already right for the session's own timeout
            return (current, false);
        }
        var update = new SessionUpdate(_key!, _tokenHash!, [], now, corrected, createIfMissing: false);
        return await Store.UpdateAsync(update, cancellationToken).ConfigureAwait(false) is null ? (current, moved) : (corrected, true);
    }
}
