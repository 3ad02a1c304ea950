namespace MongoSessions.Mongo;

/// <summary>
/// A parsed <c>mongodb://</c> or <c>mongodb+srv://</c> connection string: exactly what it says, with no defaults
/// applied (null means "not given"). Parsing follows the connection string, URI options and initial DNS seedlist
/// discovery specs; invalid strings throw <see cref="MongoSessConfigurationException"/>, whose message never
/// contains the password.
/// </summary>
internal sealed class ConnectionString
{
    private readonly string _masked;

    internal ConnectionString(
        bool isSrv, IReadOnlyList<MongoEndPoint> hosts, string? username, string? password, string? database,
        string? collection, ConnectionStringOptions options, IReadOnlyList<string> warnings, string masked)
    {
        IsSrv = isSrv;
        SrvHostName = isSrv ? hosts[0].Host : null;
        Hosts = hosts;
        Username = username;
        Password = password;
        Database = database;
        Collection = collection;
        Options = options;
        Warnings = warnings;
        _masked = masked;
    }

    /// <summary>The scheme is <c>mongodb+srv</c>: <see cref="Hosts"/> holds the one SRV name until <see cref="WithSrvRecords"/>.</summary>
    public bool IsSrv { get; }

    /// <summary>The host name a mongodb+srv string names (for the SRV and TXT lookups); null for mongodb://.</summary>
    public string? SrvHostName { get; private init; }

    /// <summary>
    /// The hosts in the order given: IPv6 addresses without brackets, the port 27017 where none was given, and a unix
    /// socket path (percent-decoded) with port <see cref="HostListParser.UnixSocketPort"/>.
    /// </summary>
    public IReadOnlyList<MongoEndPoint> Hosts { get; }

    /// <summary>Some host is a unix domain socket path. MongoSess parses these but cannot connect to them.</summary>
    public bool IsUnixSocket => Hosts.Any(IsUnixSocketHost);

    /// <summary>The percent-decoded user name, or null when the string has no user information.</summary>
    public string? Username { get; }

    /// <summary>The percent-decoded password: null when absent (<c>user@</c>), empty for <c>user:@</c>.</summary>
    public string? Password { get; }

    /// <summary>
    /// The first path segment, percent-decoded: the default database, and the authentication database when
    /// authSource is absent. May contain '.', as the spec allows.
    /// </summary>
    public string? Database { get; }

    /// <summary>The second path segment (<c>mongodb://host/db/collection</c>), a MongoSess extension; null when absent.</summary>
    public string? Collection { get; }

    /// <summary>The options MongoSess reads, as given.</summary>
    public ConnectionStringOptions Options { get; }

    /// <summary>Ignored options and values, for the caller to log. None contains the password or an option value.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Whether to use TLS: the tls (or ssl) option when given; otherwise on for mongodb+srv (seedlist spec) and when
    /// any other TLS option is given (tlsCAFile, tlsAllowInvalidCertificates, tlsAllowInvalidHostnames, tlsInsecure),
    /// since asking for a TLS setting without TLS is almost certainly a mistake.
    /// </summary>
    public bool EffectiveTls => Options.Tls ?? (IsSrv || Options.TlsCAFile is not null || Options.TlsAllowInvalidCertificates is not null
        || Options.TlsAllowInvalidHostnames is not null || Options.TlsInsecure is not null);

    /// <summary>Parses <paramref name="uri"/>; throws <see cref="MongoSessConfigurationException"/> when it is invalid.</summary>
    public static ConnectionString Parse(string uri) => ConnectionStringParser.Parse(uri);

    /// <summary>A unix domain socket path rather than a TCP host.</summary>
    public static bool IsUnixSocketHost(MongoEndPoint host) => host.Port == HostListParser.UnixSocketPort;

    /// <summary>
    /// A copy for a mongodb+srv string after the DNS lookups: <paramref name="hosts"/> are the SRV targets (already
    /// checked against the SRV name's domain by the caller), <paramref name="txtOptions"/> the TXT record's text or
    /// null. Applies srvMaxHosts (a random choice), merges the TXT options (only authSource, replicaSet and
    /// loadBalanced; the string's own values win) and checks the rules that depend on the resolved hosts.
    /// </summary>
    public ConnectionString WithSrvRecords(IReadOnlyList<MongoEndPoint> hosts, string? txtOptions) =>
        SrvRecordMerger.Merge(this, hosts, txtOptions);

    internal ConnectionString WithResolved(IReadOnlyList<MongoEndPoint> hosts, ConnectionStringOptions options, IReadOnlyList<string> warnings) =>
        new(IsSrv, hosts, Username, Password, Database, Collection, options, warnings, _masked) { SrvHostName = SrvHostName };

    /// <summary>The connection string as given, with the password (and any secret option value) replaced by <c>*****</c>.</summary>
    public override string ToString() => _masked;
}
