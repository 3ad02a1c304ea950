namespace MongoSessions;

/// <summary>Removes a connection string's password from a message before it reaches an exception or a log.</summary>
internal static class SecretMasking
{
    private const string Replacement = "*****";

    public static string Mask(string message, string? connectionString, string? password)
    {
        if (password is { Length: > 0 })
        {
            message = message.Replace(password, Replacement, StringComparison.Ordinal);
        }
        if (PasswordIn(connectionString) is { Length: > 0 } raw)
        {
            message = message.Replace(raw, Replacement, StringComparison.Ordinal);
            var decoded = Unescape(raw);
            if (decoded.Length > 0)
            {
                message = message.Replace(decoded, Replacement, StringComparison.Ordinal);
            }
        }
        return message;
    }

    // mongodb://user:password@host/...: the userinfo ends at the last '@' before the path
    private static string? PasswordIn(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }
        int scheme = connectionString.IndexOf("://", StringComparison.Ordinal);
        int start = scheme < 0 ? 0 : scheme + 3;
        int slash = connectionString.IndexOf('/', start);
        int end = slash < 0 ? connectionString.Length : slash;
        if (end <= start)
        {
            return null;
        }
        int at = connectionString.LastIndexOf('@', end - 1, end - start);
        if (at < 0)
        {
            return null;
        }
        int colon = connectionString.IndexOf(':', start, at - start);
        return colon < 0 ? null : connectionString[(colon + 1)..at];
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }
}
