using MongoSessions.Cookies;

namespace MongoSessions.Sessions;

// the request's state and its transitions, and the gate that serializes the request's calls
internal sealed partial class RequestSession
{
    /// <summary>Where the request stands with its session. Every transition goes through one of the methods below it.</summary>
    private enum RequestState
    {
        /// <summary>The cookie has not been looked at yet.</summary>
        Unread,

        /// <summary>No session: no valid cookie, or the session it named is gone. A write creates one.</summary>
        None,

        /// <summary>A token (from the cookie, or created or regenerated here), not loaded yet.</summary>
        Named,

        /// <summary>A token and its loaded record: the store's copy with this request's writes applied.</summary>
        Loaded,

        /// <summary>The cookie's token was replaced by a regeneration a moment ago: no session, and none may start.</summary>
        Replaced,
    }

    private void ReadCookie()
    {
        if (_state == RequestState.Unread)
        {
            if (_cookies.VerifiedToken is { } token)
            {
                Name(token, RequestState.Named);
            }
            else
            {
                Become(RequestState.None);
            }
        }
    }

    private void Name(string token, RequestState state)
    {
        (_token, _key, _tokenHash) = (token, SessionToken.KeyOf(token), SessionToken.Hash(token));
        Become(state);
    }

    private void Become(RequestState state)
    {
        _state = state;
        if (state is RequestState.None or RequestState.Replaced)
        {
            (_token, _key, _tokenHash, _record) = (null, null, null, null);
            IsNew = false;
        }
    }

    // the session is not there for this token: gone (None), or replaced by a regeneration within the grace period
    private void Forget(SessionRecord? current, DateTimeOffset now) =>
        Become(current is { TokenReplacedAt: { } replaced } && !string.Equals(current.TokenHash, _tokenHash, StringComparison.Ordinal)
            && now - replaced < ReplacedTokenGrace
            ? RequestState.Replaced
            : RequestState.None);

    // after a write or end found no session for the token; with probeReplaced, one read tells a replaced token from a
    // session that is gone (only then, so the common paths keep their single store call)
    private async Task ForgetAsync(bool probeReplaced, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = probeReplaced ? await Store.LoadAsync(_key!, now, cancellationToken).ConfigureAwait(false) : null;
        Forget(current, now);
    }

    private void ThrowIfReplaced()
    {
        if (_state == RequestState.Replaced)
        {
            throw new MongoSessSessionReplacedException(
                "The request's session cookie was replaced a moment ago by a regeneration (a login, in another tab or request); " +
                "nothing was written and no new session was started, so the browser keeps its new cookie. Answer 409 or retry: " +
                "the browser's next request carries the new cookie.");
        }
    }

    private async ValueTask<GateLease> EnterAsync(CancellationToken cancellationToken)
    {
        var gate = _gate ?? Interlocked.CompareExchange(ref _gate, new SemaphoreSlim(1, 1), null) ?? _gate;
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_lotteryDrawn)
        {
            // one draw per request that uses its session; requests that never touch it cost nothing
            _lotteryDrawn = true;
            _client.DrawCleanupLottery();
        }
        return new GateLease(gate);
    }

    /// <summary>Holds the request's gate until disposed: <c>using (await EnterAsync(ct)) { ... }</c>.</summary>
    private readonly struct GateLease(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
