using System.Net;
using Microsoft.Extensions.Logging;
using MongoSessions.Diagnostics;

namespace MongoSessions.Cookies;

/// <summary>
/// The session cookie of one request and its response: reads and verifies the cookie the browser sent, and writes
/// the one it gets back when that changes anything (one Set-Cookie line, replaced if written twice, with
/// Cache-Control: no-store).
/// </summary>
internal sealed class RequestCookies : PresentedToken, ISessionTransport
{
    private readonly HttpListenerRequest _request;
    private readonly HttpListenerResponse _response;
    private readonly ILogger _logger;
    private string? _written;
    private SessionResponseHeaders? _headers;
    private bool _csrfRead;
    private bool _varied;
    private string? _csrfToken;

    // the MAC of the verified cookie under the current key: re-issuing that id then needs no second HMAC
    private CookieMac _verifiedMac;
    private bool _verifiedMacIsCurrent;

    public RequestCookies(HttpListenerRequest request, HttpListenerResponse response, SessionCookieOptions options, ILogger logger)
    {
        _request = request;
        _response = response;
        Options = options;
        _logger = logger;
    }

    public SessionCookieOptions Options { get; }

    /// <summary>True when the browser holds a session cookie: it sent one, or this response set one.</summary>
    public bool BrowserHasCookie => Presented || _written is not null;

    public bool HeadersSent => ResponseHeadersProbe.HeadersSent(_response);

    public TimeSpan? FixedLifetime => Options.MaxAge is { } maxAge && maxAge > TimeSpan.Zero ? maxAge : null;

    /// <summary>The name suffix of the cookie that carries a CSRF token for a browser with no session yet.</summary>
    public const string CsrfSuffix = ".csrf";

    /// <summary>
    /// The CSRF token of a browser that has no session yet: the one its signed CSRF cookie carries, or the one this
    /// response gave it; null when there is none (or two different ones, as with the session cookie).
    /// </summary>
    public string? SessionlessCsrfToken
    {
        get
        {
            if (_csrfRead)
            {
                return _csrfToken;
            }
            _csrfRead = true;
            VaryOnCookie();
            var header = _request.Headers["Cookie"];
            Span<byte> mac = stackalloc byte[System.Security.Cryptography.HMACSHA256.HashSizeInBytes];
            _csrfToken = header is null ? null : ReadSigned(header, Options.NameFor(IsSecure()) + CsrfSuffix, mac, logRejections: false, out _)?.Id;
            return _csrfToken;
        }
    }

    /// <summary>Gives a browser with no session a CSRF token in a signed browser-session cookie, and returns it; no store call.</summary>
    public string IssueSessionlessCsrfToken(DateTimeOffset now)
    {
        if (SessionlessCsrfToken is { } existing)
        {
            return existing;
        }
        if (HeadersSent)
        {
            throw new InvalidOperationException("Cannot issue a CSRF token: the response headers were already sent. Ask for the token before writing the response body.");
        }
        var token = SessionToken.New();
        AppendSetCookie(SetCookieWriter.BuildSigned(Options, token, Options.Keys!, default, lifetime: null, now, IsSecure(), CsrfSuffix), replacing: null);
        if (_response.Headers["Cache-Control"] is null)
        {
            _response.AddHeader("Cache-Control", "no-store");
        }
        _csrfToken = token;
        return token;
    }

    /// <summary>
    /// Sends the session cookie; its lifetime follows <paramref name="expiresAt"/> (the session's effective expiry), or
    /// the shorter <see cref="SessionCookieOptions.MaxAge"/>, unless it is a browser-session cookie. A session with a
    /// lifetime of its own (<paramref name="ownLifetime"/>, remember me) gets a cookie that follows it exactly. A
    /// browser-session cookie the browser presented, verified under the current key, is not sent again unless
    /// <paramref name="kindChanged"/>: it would be the same bytes.
    /// </summary>
    public void WriteSession(string token, DateTimeOffset expiresAt, bool browserSession, bool ownLifetime, DateTimeOffset now, bool kindChanged)
    {
        // an explicit MaxAge may shorten the cookie, never make it outlive the session it names (idle or absolute expiry)
        var remaining = expiresAt - now;
        TimeSpan? lifetime = browserSession ? null
            : ownLifetime ? remaining
            : Options.MaxAge == TimeSpan.Zero ? null
            : Options.MaxAge is { } maxAge && maxAge < remaining ? maxAge : remaining;
        ReadOnlySpan<byte> knownMac = default;
        if (_verifiedMacIsCurrent && token == VerifiedToken)
        {
            if (lifetime is null && !kindChanged && _written is null)
            {
                // the browser holds this browser-session cookie already, byte for byte: nothing to move, nothing to send
                return;
            }
            knownMac = _verifiedMac;
        }
        Write(SetCookieWriter.BuildSigned(Options, token, Options.Keys!, knownMac, lifetime, now, IsSecure()));
        Resigned();
    }

    /// <summary>Tells the browser to drop the session cookie.</summary>
    public void WriteDeletion() => Write(SetCookieWriter.BuildDeletion(Options, IsSecure()));

    protected override (string? Token, bool SignedWithOldKey, bool Presented) Read()
    {
        // what this response says now depends on the request's cookies: a shared cache must not serve it to others
        VaryOnCookie();
        var header = _request.Headers["Cookie"];
        if (header is null)
        {
            return (null, false, false);
        }
        if (ReadSigned(header, Options.NameFor(IsSecure()), _verifiedMac, logRejections: true, out bool present) is not { } verified)
        {
            return (null, false, present);
        }
        _verifiedMacIsCurrent = verified.SignedWithCurrentKey;
        return (verified.Id, !verified.SignedWithCurrentKey, present);
    }

    // every value of the name is checked: a browser sends two cookies of one name when another site of the same domain
    // (a sibling subdomain) set one beside ours, and sends the one with the longer path first, which the other site
    // chooses; taking the first valid one would let it pick the session this browser uses (login CSRF). So the result
    // is the one id every valid value names, or null when two different ones verify; firstMac keeps the MAC of the
    // first valid value, for re-issuing the cookie without a second HMAC
    private CookieVerification? ReadSigned(string header, string name, Span<byte> firstMac, bool logRejections, out bool present)
    {
        present = false;
        CookieVerification? first = null;
        Span<byte> scratch = stackalloc byte[System.Security.Cryptography.HMACSHA256.HashSizeInBytes];
        foreach (var value in new CookieHeaderParser(header, name))
        {
            present = true;
            var verification = CookieSigner.Verify(value, Options.Keys!, first is null ? firstMac : scratch);
            if (!verification.IsValid)
            {
                Rejected(verification.Rejection, logRejections);
            }
            else if (first is null)
            {
                first = verification;
            }
            else if (first.Value.Id != verification.Id)
            {
                // two genuine sessions in one request: no way to tell which the user meant, so neither is used
                Rejected(CookieRejection.Ambiguous, logRejections);
                return null;
            }
        }
        return first;
    }

    private void Rejected(CookieRejection reason, bool log)
    {
        if (log)
        {
            // the reason only: the value itself is a credential
            _logger.LogDebug("Session cookie rejected: {Reason}", reason);
            CookieMetrics.Rejected(reason);
        }
    }

    private void Write(string header)
    {
        if (HeadersSent)
        {
            _logger.LogDebug("Session cookie not updated: the response headers were already sent");
            return;
        }
        if (_written is not null)
        {
            // one session cookie per response: replace the one this request set earlier, keep the application's own
            var existing = _response.Headers.GetValues("Set-Cookie") ?? [];
            _response.Headers.Remove("Set-Cookie");
            bool replaced = false;
            foreach (var value in existing)
            {
                if (!replaced && value == _written)
                {
                    replaced = true;
                    continue;
                }
                _response.AppendHeader("Set-Cookie", value);
            }
        }
        AppendSetCookie(header, replacing: _written);
        _written = header;
        // a response that carries a session cookie must not be stored by shared caches and served to someone else
        if (_response.Headers["Cache-Control"] is null)
        {
            _response.AddHeader("Cache-Control", "no-store");
        }
    }

    // HttpListener sends the cookies of response.Cookies (AppendCookie, SetCookie) as one comma-joined Set-Cookie line,
    // which browsers read as a single cookie, and replaces every other Set-Cookie header with it; MongoSess's header
    // collection (SessionResponseHeaders) gives each its own line at send time. On a runtime where it cannot be put in
    // place, the application's cookies are moved to lines of their own before each of MongoSess's lines instead.
    private void AppendSetCookie(string line, string? replacing)
    {
        // taken in hand at the first Set-Cookie line, which most requests never write (a cookie goes out when a session
        // starts, is regenerated or its lifetime moves): a new collection and a copy of the headers set so far
        _headers ??= SessionResponseHeaders.Install(_response);
        if (_headers is null && _response.Cookies.Count > 0)
        {
            SessionResponseHeaders.MoveCookiesToLines(_response, _response.Headers);
        }
        _response.AppendHeader("Set-Cookie", line);
        _headers?.Keep(line, replacing);
    }

    private void VaryOnCookie()
    {
        if (_varied || HeadersSent)
        {
            return;
        }
        _varied = true;
        var vary = _response.Headers["Vary"];
        if (vary is null)
        {
            _response.AddHeader("Vary", "Cookie");
        }
        else if (!vary.Contains("Cookie", StringComparison.OrdinalIgnoreCase) && vary.Trim() != "*")
        {
            _response.Headers.Set("Vary", vary + ", Cookie");
        }
    }

    private bool IsSecure() => Options.Secure switch
    {
        CookieSecurePolicy.Always => true,
        CookieSecurePolicy.Never => false,
        // a prefixed name is only kept by the browser when Secure, whatever the request looked like
        _ => Options.RequiresSecure || _request.IsSecureConnection || (Options.TrustProxy && ForwardedProtoIsHttps()),
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
