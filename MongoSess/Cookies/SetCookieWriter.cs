using System.Globalization;
using System.Text;

namespace MongoSessions.Cookies;

/// <summary>Builds <c>Set-Cookie</c> header values (RFC 6265 section 4.1) for the session cookie.</summary>
internal static class SetCookieWriter
{
    private static readonly DateTimeOffset s_epoch = DateTimeOffset.UnixEpoch;

    // a null lifetime gives a browser-session cookie: no Max-Age, no Expires
    public static string Build(SessionCookieOptions options, string value, TimeSpan? lifetime, DateTimeOffset now, bool secure)
    {
        var builder = new StringBuilder(192);
        builder.Append(options.Name).Append('=').Append(value);
        AppendScope(builder, options);
        if (lifetime is { } life)
        {
            long seconds = Math.Max(0, (long)life.TotalSeconds);
            builder.Append("; Max-Age=").Append(seconds.ToString(CultureInfo.InvariantCulture));
            // Expires for old browsers that ignore Max-Age; both name the same instant
            builder.Append("; Expires=").Append(FormatDate(now.AddSeconds(seconds)));
        }
        AppendFlags(builder, options, secure);
        return builder.ToString();
    }

    /// <summary>A cookie that makes the browser forget the session cookie at once.</summary>
    public static string BuildDeletion(SessionCookieOptions options, bool secure)
    {
        var builder = new StringBuilder(160);
        builder.Append(options.Name).Append('=');
        AppendScope(builder, options);
        builder.Append("; Max-Age=0; Expires=").Append(FormatDate(s_epoch));
        AppendFlags(builder, options, secure);
        return builder.ToString();
    }

    private static void AppendScope(StringBuilder builder, SessionCookieOptions options)
    {
        builder.Append("; Path=").Append(options.Path);
        if (options.Domain is not null)
        {
            builder.Append("; Domain=").Append(options.Domain);
        }
    }

    private static void AppendFlags(StringBuilder builder, SessionCookieOptions options, bool secure)
    {
        // browsers drop SameSite=None cookies that lack Secure
        if (secure || options.SameSite == SameSiteMode.None)
        {
            builder.Append("; Secure");
        }
        if (options.HttpOnly)
        {
            builder.Append("; HttpOnly");
        }
        if (options.SameSite != SameSiteMode.Unspecified)
        {
            builder.Append("; SameSite=").Append(options.SameSite switch
            {
                SameSiteMode.Strict => "Strict",
                SameSiteMode.None => "None",
                _ => "Lax",
            });
        }
    }

    // RFC 7231 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"
    private static string FormatDate(DateTimeOffset instant) => instant.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
}
