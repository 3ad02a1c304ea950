namespace MongoSessions.Mongo;

/// <summary>The user information before the '@' (connection string spec, "Userinfo"), percent-decoded.</summary>
internal static class UserInfoParser
{
    private const string EncodeAdvice = "percent-encode the user name and password (Uri.EscapeDataString does it)";

    /// <summary>The user name and the password (null when there is no ':'; an empty password is allowed).</summary>
    public static (string? Username, string? Password) Parse(string userInfo)
    {
        // the spec requires an error, not a guess, for '@', a second ':' or a bad '%': the split would be ambiguous
        if (userInfo.Contains('@'))
        {
            throw Error($"The user information of the connection string contains an unescaped '@'; {EncodeAdvice}.");
        }
        int colon = userInfo.IndexOf(':');
        if (colon >= 0 && userInfo.IndexOf(':', colon + 1) >= 0)
        {
            throw Error($"The user information of the connection string contains more than one ':'; {EncodeAdvice}.");
        }
        string rawUser = colon < 0 ? userInfo : userInfo[..colon];
        string? username = PercentDecoding.TryDecode(rawUser);
        string? password = colon < 0 ? null : PercentDecoding.TryDecode(userInfo[(colon + 1)..]);
        if (username is null || (colon >= 0 && password is null))
        {
            throw Error($"The user information of the connection string has a '%' that is not a valid escape; {EncodeAdvice}.");
        }
        // auth spec: "mongodb://@host" and "mongodb://:pw@host" name no user, which is an error, not "no credentials"
        if (username.Length == 0)
        {
            throw Error("The connection string has an '@' but no user name; write mongodb://user:password@host or drop the '@'.");
        }
        return (username, password);
    }

    private static MongoSessConfigurationException Error(string message) => new(message);
}
