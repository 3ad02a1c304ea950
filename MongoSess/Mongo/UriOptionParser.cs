namespace MongoSessions.Mongo;

/// <summary>
/// Reads the <c>key=value&amp;...</c> part of a connection string (or of a mongodb+srv TXT record) into
/// <see cref="ConnectionStringOptions"/>: unknown and unsupported keys and invalid values become warnings, a pair
/// that is not <c>key=value</c> or a forbidden combination is an error.
/// </summary>
internal static class UriOptionParser
{
    /// <summary>The options, and the canonical names of the known keys that appeared (valid or not).</summary>
    public static (ConnectionStringOptions Options, IReadOnlySet<string> Given) Parse(string query, List<string> warnings)
    {
        var values = new UriOptionValues(warnings);
        var options = new ConnectionStringOptions();
        var given = new HashSet<string>(StringComparer.Ordinal);
        var tls = new List<(string Name, string Value)>();
        foreach (var (name, all) in Group(SplitPairs(query, "connection string"), warnings))
        {
            given.Add(name);
            if (UriOptionNames.Unsupported.Contains(name))
            {
                warnings.Add($"The connection string option {name} is not supported by MongoSess and is ignored.");
                continue;
            }
            if (name is "tls" or "ssl")
            {
                tls.AddRange(all.Select(value => (name, value))); // read together below, since every instance of either must agree
                continue;
            }
            if (all.Count > 1)
            {
                warnings.Add($"The connection string option {name} is given {all.Count} times; the last value is used.");
            }
            options = Apply(options, name, all[^1], values);
        }
        return (options with { Tls = ReadTls(tls, values) }, given);
    }

    /// <summary>Splits and percent-decodes the pairs; keys keep their case (compare them case-insensitively).</summary>
    public static List<(string Key, string Value)> SplitPairs(string query, string source)
    {
        var pairs = new List<(string, string)>();
        foreach (string pair in query.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue; // "a=1&&b=2" or a trailing "&": nothing was said
            }
            int equals = pair.IndexOf('=');
            string? key = equals > 0 ? PercentDecoding.TryDecode(pair[..equals]) : null;
            if (key is null)
            {
                throw new MongoSessConfigurationException(
                    $"The {source} has an option that is not of the form key=value; write options as ?key=value&key=value.");
            }
            string value = PercentDecoding.TryDecode(pair[(equals + 1)..])
                ?? throw new MongoSessConfigurationException(
                    $"The value of the {source} option {Describe(key)} has a malformed percent escape; encode '%' as %25.");
            pairs.Add((key, value));
        }
        return pairs;
    }

    /// <summary>An option key as messages may show it: the canonical name, or a plain identifier, never other text.</summary>
    public static string Describe(string key)
    {
        if (UriOptionNames.Canonical(key) is { } canonical)
        {
            return canonical;
        }
        bool plain = key.Length is > 0 and <= 64 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
        return plain ? $"'{key}'" : "(a key with unexpected characters)";
    }

    private static IEnumerable<(string Name, List<string> Values)> Group(List<(string Key, string Value)> pairs, List<string> warnings)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (key, value) in pairs)
        {
            string? name = UriOptionNames.Canonical(key);
            if (name is null)
            {
                warnings.Add($"The connection string option {Describe(key)} is unknown and is ignored.");
                continue;
            }
            if (!groups.TryGetValue(name, out var list))
            {
                groups[name] = list = [];
                order.Add(name);
            }
            list.Add(value);
        }
        return order.Select(name => (name, groups[name]));
    }

    // uri-options spec, "Conflicting TLS options": all instances of tls and ssl must have the same value
    private static bool? ReadTls(List<(string Name, string Value)> given, UriOptionValues read)
    {
        var valid = given.Select(option => read.Bool(option.Name, option.Value)).Where(value => value is not null).Distinct().ToList();
        if (valid.Count > 1)
        {
            throw new MongoSessConfigurationException(
                "The connection string options tls and ssl disagree; they are the same option, so give one value.");
        }
        return valid.Count == 1 ? valid[0] : null;
    }

    private static ConnectionStringOptions Apply(ConnectionStringOptions o, string name, string value, UriOptionValues read) => name switch
    {
        "appName" => o with { AppName = read.AppName(name, value) },
        "authMechanism" => o with { AuthMechanism = read.AuthMechanism(value) },
        "authMechanismProperties" => o with { AuthMechanismProperties = read.Pairs(name, value) },
        "authSource" => o with { AuthSource = value.Length > 0 ? value : throw new MongoSessConfigurationException(
            "The connection string option authSource is empty; name the authentication database or leave the option out.") },
        "connectTimeoutMS" => o with { ConnectTimeout = read.Milliseconds(name, value, 0) },
        "directConnection" => o with { DirectConnection = read.Bool(name, value) },
        // SDAM spec: heartbeatFrequencyMS must be at least minHeartbeatFrequencyMS, 500
        "heartbeatFrequencyMS" => o with { HeartbeatFrequency = read.Milliseconds(name, value, 500) },
        "journal" => o with { Journal = read.Bool(name, value) },
        "loadBalanced" => o with { LoadBalanced = read.Bool(name, value) },
        "maxIdleTimeMS" => o with { MaxIdleTime = read.Milliseconds(name, value, 0) },
        "maxPoolSize" => o with { MaxPoolSize = read.Int(name, value, 0) },
        "minPoolSize" => o with { MinPoolSize = read.Int(name, value, 0) },
        "replicaSet" => o with { ReplicaSet = read.Text(name, value) },
        "retryReads" => o with { RetryReads = read.Bool(name, value) },
        "retryWrites" => o with { RetryWrites = read.Bool(name, value) },
        "serverSelectionTimeoutMS" => o with { ServerSelectionTimeout = read.Milliseconds(name, value, 1) },
        "socketTimeoutMS" => o with { SocketTimeout = read.Milliseconds(name, value, 0) },
        "srvMaxHosts" => o with { SrvMaxHosts = read.Int(name, value, 0) },
        "srvServiceName" => o with { SrvServiceName = read.SrvServiceName(name, value) },
        "tlsAllowInvalidCertificates" => o with { TlsAllowInvalidCertificates = read.Bool(name, value) },
        "tlsAllowInvalidHostnames" => o with { TlsAllowInvalidHostnames = read.Bool(name, value) },
        "tlsCAFile" => o with { TlsCAFile = read.Text(name, value) },
        "tlsInsecure" => o with { TlsInsecure = read.Bool(name, value) },
        "w" => o with { W = read.W(name, value) },
        "waitQueueTimeoutMS" => o with { WaitQueueTimeout = read.Milliseconds(name, value, 1) },
        "wTimeoutMS" => o with { WTimeout = read.Milliseconds(name, value, 0, UriOptionValues.MaxMilliseconds) },
        _ => throw new InvalidOperationException($"{name} is listed as supported but has no reader."),
    };
}
