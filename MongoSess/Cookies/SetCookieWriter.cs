using System.Buffers;
using System.Globalization;

namespace MongoSessions.Cookies;

/// <summary>
/// Builds <c>Set-Cookie</c> header values (RFC 6265 section 4.1) for the session cookie, straight into one string:
/// it is written on every request that changes the session, so nothing else is allocated on the way.
/// </summary>
internal static class SetCookieWriter
{
    private static readonly DateTimeOffset s_epoch = DateTimeOffset.UnixEpoch;

    // a null lifetime gives a browser-session cookie: no Max-Age, no Expires
    public static string Build(SessionCookieOptions options, string value, TimeSpan? lifetime, DateTimeOffset now, bool secure)
    {
        var line = new CookieLine(stackalloc char[256], MaxLength(options, value.Length));
        try
        {
            line.Append(options.NameFor(secure));
            line.Append('=');
            line.Append(value);
            AppendAttributes(ref line, options, lifetime, now, secure);
            return line.ToString();
        }
        finally
        {
            line.Dispose();
        }
    }

    /// <summary>The session cookie for <paramref name="id"/>, signed with the ring's first key.</summary>
    public static string BuildSigned(SessionCookieOptions options, string id, Keyring keys, TimeSpan? lifetime, DateTimeOffset now, bool secure) =>
        BuildSigned(options, id, keys, default, lifetime, now, secure);

    /// <summary>
    /// The session cookie for <paramref name="id"/> with its MAC under the ring's first key, when the caller has it
    /// (a cookie verified with that key carries it), or signed here when <paramref name="knownMac"/> is empty.
    /// </summary>
    public static string BuildSigned(
        SessionCookieOptions options, string id, Keyring keys, ReadOnlySpan<byte> knownMac, TimeSpan? lifetime, DateTimeOffset now, bool secure, string nameSuffix = "")
    {
        var line = new CookieLine(stackalloc char[256], MaxLength(options, CookieSigner.ValueLength) + nameSuffix.Length);
        try
        {
            line.Append(options.NameFor(secure));
            line.Append(nameSuffix);
            line.Append('=');
            line.Advance(knownMac.IsEmpty ? CookieSigner.Sign(id, keys, line.Free) : CookieSigner.Write(id, knownMac, line.Free));
            AppendAttributes(ref line, options, lifetime, now, secure);
            return line.ToString();
        }
        finally
        {
            line.Dispose();
        }
    }

    /// <summary>A cookie that makes the browser forget the session cookie at once.</summary>
    public static string BuildDeletion(SessionCookieOptions options, bool secure)
    {
        var line = new CookieLine(stackalloc char[256], MaxLength(options, 0));
        try
        {
            line.Append(options.NameFor(secure));
            line.Append('=');
            AppendScope(ref line, options);
            line.Append("; Max-Age=0; Expires=");
            line.AppendDate(s_epoch);
            AppendFlags(ref line, options, secure);
            return line.ToString();
        }
        finally
        {
            line.Dispose();
        }
    }

    // everything but the name, value, path and domain fits in 128 characters
    private static int MaxLength(SessionCookieOptions options, int valueLength) =>
        "__Host-".Length + options.Name.Length + valueLength + options.Path.Length + (options.Domain?.Length ?? 0) + 128;

    private static void AppendAttributes(ref CookieLine line, SessionCookieOptions options, TimeSpan? lifetime, DateTimeOffset now, bool secure)
    {
        AppendScope(ref line, options);
        if (lifetime is { } life)
        {
            long seconds = Math.Max(0, (long)life.TotalSeconds);
            line.Append("; Max-Age=");
            line.Append(seconds);
            // Expires for old browsers that ignore Max-Age; both name the same instant
            line.Append("; Expires=");
            line.AppendDate(now.AddSeconds(seconds));
        }
        AppendFlags(ref line, options, secure);
    }

    private static void AppendScope(ref CookieLine line, SessionCookieOptions options)
    {
        line.Append("; Path=");
        line.Append(options.Path);
        if (options.Domain is not null)
        {
            line.Append("; Domain=");
            line.Append(options.Domain);
        }
    }

    private static void AppendFlags(ref CookieLine line, SessionCookieOptions options, bool secure)
    {
        // browsers drop SameSite=None cookies that lack Secure
        if (secure || options.SameSite == SameSiteMode.None)
        {
            line.Append("; Secure");
        }
        if (options.HttpOnly)
        {
            line.Append("; HttpOnly");
        }
        if (options.SameSite != SameSiteMode.Unspecified)
        {
            line.Append(options.SameSite switch
            {
                SameSiteMode.Strict => "; SameSite=Strict",
                SameSiteMode.None => "; SameSite=None",
                _ => "; SameSite=Lax",
            });
        }
    }

    /// <summary>Characters on the stack, or in a pooled array when the options make the line long.</summary>
    private ref struct CookieLine
    {
        private readonly char[]? _rented;
        private readonly Span<char> _chars;
        private int _length;

        public CookieLine(Span<char> stack, int maxLength)
        {
            _rented = maxLength > stack.Length ? ArrayPool<char>.Shared.Rent(maxLength) : null;
            _chars = _rented ?? stack;
            _length = 0;
        }

        public readonly Span<char> Free => _chars[_length..];

        public void Advance(int count) => _length += count;

        public void Append(char value) => _chars[_length++] = value;

        public void Append(string value)
        {
            value.CopyTo(_chars[_length..]);
            _length += value.Length;
        }

        public void Append(long value)
        {
            value.TryFormat(_chars[_length..], out int written, default, CultureInfo.InvariantCulture);
            _length += written;
        }

        // RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"
        public void AppendDate(DateTimeOffset instant)
        {
            instant.UtcDateTime.TryFormat(_chars[_length..], out int written, "r", CultureInfo.InvariantCulture);
            _length += written;
        }

        public override readonly string ToString() => new(_chars[.._length]);

        public readonly void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<char>.Shared.Return(_rented);
            }
        }
    }

    /// <summary>
    /// An application's <see cref="System.Net.Cookie"/> as a Set-Cookie line of its own, with the attributes HttpListener
    /// itself would drop (Secure, HttpOnly) kept.
    /// </summary>
    public static string Render(System.Net.Cookie cookie)
    {
        var line = new System.Text.StringBuilder(cookie.Name).Append('=').Append(cookie.Value);
        if (cookie.Expires != DateTime.MinValue)
        {
            line.Append("; Expires=").Append(cookie.Expires.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (cookie.Domain.Length > 0)
        {
            line.Append("; Domain=").Append(cookie.Domain);
        }
        if (cookie.Path.Length > 0)
        {
            line.Append("; Path=").Append(cookie.Path);
        }
        if (cookie.Secure)
        {
            line.Append("; Secure");
        }
        if (cookie.HttpOnly)
        {
            line.Append("; HttpOnly");
        }
        return line.ToString();
    }
}
