using System.Text;

namespace MongoSessions.Mongo;

/// <summary>Renders a connection string with its password, and option values that are secrets, replaced by <c>*****</c>.</summary>
internal static class SecretMasking
{
    public const string Placeholder = "*****";

    /// <param name="uri">The connection string as given.</param>
    /// <param name="authorityStart">Where the user information would start (after the scheme).</param>
    /// <param name="at">The index of the '@' ending the user information, or -1 when there is none.</param>
    /// <param name="authorityEnd">The index of the first '/' or '?' after the hosts, or the length of the string.</param>
    public static string Mask(string uri, int authorityStart, int at, int authorityEnd)
    {
        var text = new StringBuilder(uri.Length);
        int colon = at < 0 ? -1 : uri.IndexOf(':', authorityStart, at - authorityStart);
        text.Append(uri, 0, colon < 0 ? authorityEnd : colon + 1);
        if (colon >= 0)
        {
            text.Append(Placeholder).Append(uri, at, authorityEnd - at);
        }
        int question = uri.IndexOf('?', authorityEnd);
        if (question < 0)
        {
            return text.Append(uri, authorityEnd, uri.Length - authorityEnd).ToString();
        }
        text.Append(uri, authorityEnd, question + 1 - authorityEnd);
        string[] pairs = uri[(question + 1)..].Split('&');
        for (int i = 0; i < pairs.Length; i++)
        {
            int equals = pairs[i].IndexOf('=');
            string key = equals < 0 ? "" : PercentDecoding.TryDecode(pairs[i][..equals]) ?? "";
            text.Append(i == 0 ? "" : "&");
            text.Append(UriOptionNames.SecretValued.Contains(key) ? pairs[i][..(equals + 1)] + Placeholder : pairs[i]);
        }
        return text.ToString();
    }
}
