namespace MongoSessions.Mongo;

/// <summary>
/// The combinations of options the specifications forbid. Each is an error, never a warning: they are either
/// security-relevant or would connect to something other than what the string describes.
/// </summary>
internal static class ConnectionStringRules
{
    // uri-options spec, "Conflicting TLS options": these pairs may not both appear, whatever their values
    private static readonly (string, string)[] s_conflictingTlsOptions =
    [
        ("tlsInsecure", "tlsAllowInvalidCertificates"),
        ("tlsInsecure", "tlsAllowInvalidHostnames"),
        ("tlsInsecure", "tlsDisableOCSPEndpointCheck"),
        ("tlsInsecure", "tlsDisableCertificateRevocationCheck"),
        ("tlsAllowInvalidCertificates", "tlsDisableOCSPEndpointCheck"),
        ("tlsAllowInvalidCertificates", "tlsDisableCertificateRevocationCheck"),
        ("tlsDisableOCSPEndpointCheck", "tlsDisableCertificateRevocationCheck"),
    ];

    /// <summary>The rules that hold for the string as written (before any SRV lookup).</summary>
    public static void CheckParsed(bool isSrv, int hostCount, string? username, ConnectionStringOptions o, IReadOnlySet<string> given)
    {
        foreach (var (first, second) in s_conflictingTlsOptions)
        {
            if (given.Contains(first) && given.Contains(second))
            {
                throw Error($"The connection string options {first} and {second} cannot be combined; {Why(first, second)}.");
            }
        }
        if (o.DirectConnection == true && (isSrv || hostCount > 1))
        {
            throw Error("directConnection=true needs exactly one host, and a mongodb+srv:// string may resolve to several; remove directConnection or name one mongodb:// host.");
        }
        if (!isSrv && (given.Contains("srvServiceName") || given.Contains("srvMaxHosts")))
        {
            throw Error("The connection string options srvServiceName and srvMaxHosts apply only to mongodb+srv:// strings.");
        }
        if (o.MinPoolSize > o.MaxPoolSize && o.MaxPoolSize > 0)
        {
            throw Error("The connection string option minPoolSize is larger than maxPoolSize.");
        }
        // read/write concern spec: an unacknowledged write cannot wait for the journal
        if (o.W?.Count == 0 && o.Journal == true)
        {
            throw Error("The connection string options w=0 and journal=true contradict each other; w=0 does not wait for any acknowledgement.");
        }
        // auth spec: SCRAM needs a user name
        if (o.AuthMechanism is not null && username is null)
        {
            throw Error($"authMechanism={o.AuthMechanism} needs a user name: write mongodb://user:password@host/.");
        }
        // before an SRV lookup the single SRV name stands for the hosts, so this sees one host
        CheckTopology(hostCount, o);
    }

    /// <summary>The rules the seedlist spec checks after the SRV and TXT lookups, with the resolved host count.</summary>
    public static void CheckResolved(int hostCount, ConnectionStringOptions o) => CheckTopology(hostCount, o);

    private static void CheckTopology(int hostCount, ConnectionStringOptions o)
    {
        // initial DNS seedlist discovery spec, "URI Validation"
        if (o.SrvMaxHosts > 0 && (o.ReplicaSet is not null || o.LoadBalanced == true))
        {
            throw Error("srvMaxHosts cannot be combined with replicaSet or loadBalanced=true; remove srvMaxHosts or set it to 0.");
        }
        // load balancer spec, "URI Validation"
        if (o.LoadBalanced == true)
        {
            if (hostCount > 1)
            {
                throw Error($"loadBalanced=true needs exactly one host (the load balancer), but there are {hostCount}.");
            }
            if (o.DirectConnection == true || o.ReplicaSet is not null)
            {
                throw Error("loadBalanced=true cannot be combined with directConnection=true or replicaSet.");
            }
        }
    }

    private static string Why(string first, string second) => first == "tlsInsecure"
        ? $"tlsInsecure already relaxes what {second} controls"
        : "both relax certificate checking, so give only one";

    private static MongoSessConfigurationException Error(string message) => new(message);
}
