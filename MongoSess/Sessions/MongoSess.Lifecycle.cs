using MongoSessions.Cookies;
using MongoSessions.Sessions;
using MongoSessions.Values;

namespace MongoSessions;

// the session's life (end, expire, regenerate), flash values and CSRF tokens
public sealed partial class MongoSess
{
    /// <summary>Deletes the session from the store and tells the browser to drop the cookie. Without a session it only clears a cookie the request carried.</summary>
    public Task EndAsync(CancellationToken cancellationToken = default) => _session.EndAsync(cancellationToken);

    /// <summary>
    /// Gives this session a lifetime of its own, as a login form's "remember me" does: from now on it expires
    /// <paramref name="idleTimeout"/> after its last activity instead of after <see cref="MongoSessOptions.Expires"/>,
    /// and its cookie follows that expiry exactly (<c>Max-Age</c>) when <paramref name="persistent"/>, or ends with the
    /// browser when not. Stored with the session, so it holds for every later request and across
    /// <see cref="RegenerateAsync"/>; the absolute timeout still applies. Creates the session when there is none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="idleTimeout"/> is not positive, more than 10 years, or more than 400 days for a persistent cookie
    /// (the most browsers keep one).
    /// </exception>
    public Task SetLifetimeAsync(TimeSpan idleTimeout, bool persistent = true, CancellationToken cancellationToken = default)
    {
        if (idleTimeout <= TimeSpan.Zero || idleTimeout > TimeSpan.FromDays(3650) || (persistent && idleTimeout > TimeSpan.FromDays(400)))
        {
            throw new ArgumentOutOfRangeException(nameof(idleTimeout), idleTimeout,
                "A session's idle timeout must be more than zero and at most 10 years, and at most 400 days with a persistent cookie (browsers keep none longer).");
        }
        return _session.WriteAsync([], create: true, cancellationToken, lifetime: new SessionLifetime(idleTimeout, BrowserSession: !persistent));
    }

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
        return _session.Flash.Show(key) is { } value ? BsonToClrMapper.ConvertTo<T>(value, key) : default;
    }

    /// <summary>Keeps every flash value this request read for one more request.</summary>
    public Task ReflashAsync(CancellationToken cancellationToken = default) => _session.KeepFlashAsync(null, cancellationToken);

    /// <summary>Keeps the flash value this request read under <paramref name="key"/> for one more request.</summary>
    public Task KeepAsync(string key, CancellationToken cancellationToken = default) => KeepAsync([key], cancellationToken);

    /// <summary>Keeps the named flash values this request read for one more request: <c>KeepAsync(["notice", "error"])</c>.</summary>
    public Task KeepAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        foreach (var key in list)
        {
            ValidateFlashKey(key);
        }
        return _session.KeepFlashAsync(list, cancellationToken);
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
    /// The session's CSRF token, for a hidden form field: 48 random bytes (base64url), created on first use, the same
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
    /// ended before or during it (a logout in another tab, <see cref="EndWhereAsync"/>) stays ended, and this
    /// returns false. Call it before writing the response body. Does nothing when there is no session.
    /// </summary>
    /// <returns>True when the session was regenerated; false when there was no session.</returns>
    /// <exception cref="InvalidOperationException">The response headers were already sent.</exception>
    public Task<bool> RegenerateAsync(CancellationToken cancellationToken = default) => _session.RegenerateAsync([], cancellationToken);
}
