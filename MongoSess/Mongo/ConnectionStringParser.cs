namespace MongoSessions.Mongo;

/// <summary>
/// Splits a connection string into its parts (connection string spec, "Reference Implementation"): scheme, user
/// information, hosts, the path (database, and MongoSess's collection) and options. No message it throws repeats
/// text from the string other than option names, so a password cannot leak through one.
/// </summary>
internal static class ConnectionStringParser
{
    private const string Scheme = "mongodb://";
    private const string SrvScheme = "mongodb+srv://";

    public static ConnectionString Parse(string uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            throw Error("The connection string is empty; write mongodb://host[:port]/[database] or mongodb+srv://host/.");
        }
        bool isSrv = uri.StartsWith(SrvScheme, StringComparison.OrdinalIgnoreCase);
        if (!isSrv && !uri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Error("The connection string must start with mongodb:// or mongodb+srv://.");
        }
        int authorityStart = isSrv ? SrvScheme.Length : Scheme.Length;
        int authorityEnd = uri.IndexOfAny(['/', '?'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = uri.Length;
        }
        string tail = uri[authorityEnd..];
        int at = uri.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (LooksLikeUserInfo(tail))
        {
            throw Error("The connection string has an '@' after its hosts: percent-encode '/', '?', ':' and '@' in the user name " +
                "and password (Uri.EscapeDataString does it).");
        }
        var (username, password) = at < 0 ? default : UserInfoParser.Parse(uri[authorityStart..at]);
        string hostInfo = uri[(at < 0 ? authorityStart : at + 1)..authorityEnd];
        if (isSrv)
        {
            CheckSrvHost(hostInfo);
        }
        var hosts = HostListParser.Parse(hostInfo);
        int question = tail.IndexOf('?');
        string path = question < 0 ? tail : tail[..question];
        var (database, collection) = PathParser.Parse(path.Length > 0 ? path[1..] : "");
        var warnings = new List<string>();
        var (options, given) = UriOptionParser.Parse(question < 0 ? "" : tail[(question + 1)..], warnings);
        ConnectionStringRules.CheckParsed(isSrv, hosts.Count, username, options, given);
        return new ConnectionString(
            isSrv, hosts, username, password, database, collection, options, warnings,
            SecretMasking.Mask(uri, authorityStart, at, authorityEnd));
    }

    // "alice/@host", "alice:pa/ss@host" and "alice:pa?ss@host": an unencoded '/' or '?' in the user information ends
    // the hosts early, and the '@' shows up before any option's '='; an '@' inside an option value is fine
    private static bool LooksLikeUserInfo(string tail)
    {
        int at = tail.IndexOf('@');
        int equals = tail.IndexOf('=');
        return at >= 0 && (equals < 0 || at < equals);
    }

    // initial DNS seedlist discovery spec, "Validation Before Querying DNS"
    private static void CheckSrvHost(string hostInfo)
    {
        if (hostInfo.Contains(','))
        {
            throw Error("A mongodb+srv:// connection string names exactly one host, whose SRV record lists the servers.");
        }
        if (hostInfo.Contains(':') || hostInfo.StartsWith('['))
        {
            throw Error("A mongodb+srv:// connection string takes a host name without a port (the SRV record gives the ports).");
        }
        if (hostInfo.Contains('%') || System.Net.IPAddress.TryParse(hostInfo, out _))
        {
            throw Error("A mongodb+srv:// connection string needs a DNS host name, not an IP address or a socket path.");
        }
    }

    private static MongoSessConfigurationException Error(string message) => new(message);
}
