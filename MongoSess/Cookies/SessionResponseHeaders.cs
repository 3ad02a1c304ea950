using System.Net;
using System.Runtime.CompilerServices;

namespace MongoSessions.Cookies;

/// <summary>
/// The response's header collection once MongoSess has written its cookie, so that the application's cookies and the
/// session's coexist whatever the order of the calls.
/// </summary>
/// <remarks>
/// When HttpListener sends the headers it renders <c>response.Cookies</c> (<c>AppendCookie</c>, <c>SetCookie</c>)
/// into one comma-joined value, which browsers read as a single cookie, and calls <c>Headers.Set("Set-Cookie", …)</c>
/// with it, which replaces every other <c>Set-Cookie</c> line, the session's included. No public hook runs at that
/// moment, so MongoSess puts this collection in place of the response's own (its private field, through an
/// <see cref="UnsafeAccessorAttribute"/>: no reflection at run time, safe under trimming) and turns that one call into
/// one line per cookie, added to the lines already there. A runtime without that field (none known) keeps the plain
/// collection: the session cookie is then still written, and the application's cookies are moved to lines of their
/// own at each session cookie write, as <see cref="RequestCookies"/> does anyway.
/// </remarks>
internal sealed class SessionResponseHeaders : WebHeaderCollection
{
    private static bool s_unsupported;
    private readonly HttpListenerResponse _response;
    private readonly List<string> _own = new(1);

    private SessionResponseHeaders(HttpListenerResponse response) => _response = response;

    /// <summary>
    /// Marks <paramref name="line"/>, a Set-Cookie line MongoSess added, as one a later <c>Set("Set-Cookie", …)</c>
    /// keeps; <paramref name="replacing"/> is the line it replaced, if any.
    /// </summary>
    public void Keep(string line, string? replacing)
    {
        if (replacing is not null)
        {
            _own.Remove(replacing);
        }
        _own.Add(line);
    }

    /// <summary>The response's collection, replaced by one of these on first use; null when this runtime has no such field.</summary>
    public static SessionResponseHeaders? Install(HttpListenerResponse response)
    {
        if (s_unsupported)
        {
            return null;
        }
        try
        {
            ref WebHeaderCollection field = ref HeadersField(response);
            if (field is SessionResponseHeaders installed)
            {
                return installed;
            }
            var headers = new SessionResponseHeaders(response);
            var current = field;
            for (int i = 0; i < current.Count; i++)
            {
                string key = current.GetKey(i)!;
                foreach (var value in current.GetValues(i) ?? [])
                {
                    headers.Add(key, value);
                }
            }
            field = headers;
            return headers;
        }
        catch (MissingFieldException)
        {
            s_unsupported = true;
            return null;
        }
    }

    public override void Set(string name, string? value)
    {
        if (!string.Equals(name, "Set-Cookie", StringComparison.OrdinalIgnoreCase))
        {
            base.Set(name, value);
            return;
        }
        if (_response.Cookies.Count > 0)
        {
            // HttpListener's rendering of response.Cookies (at send time, or the value it would put over this one):
            // every cookie gets a line of its own, next to the lines already set
            MoveCookiesToLines(_response, this);
            return;
        }
        // the application replaces its Set-Cookie lines; MongoSess's stay
        base.Set(name, value);
        foreach (var line in _own)
        {
            if (line != value)
            {
                Add(name, line);
            }
        }
    }

    /// <summary>Adds each of the response's <c>Cookies</c> to <paramref name="headers"/> as a Set-Cookie line of its own, and empties the collection.</summary>
    public static void MoveCookiesToLines(HttpListenerResponse response, WebHeaderCollection headers)
    {
        foreach (Cookie cookie in response.Cookies)
        {
            headers.Add("Set-Cookie", SetCookieWriter.Render(cookie));
        }
        response.Cookies = new CookieCollection();
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_webHeaders")]
    private static extern ref WebHeaderCollection HeadersField(HttpListenerResponse response);
}
