using System.Text.Json;
using MongoSessions.Mongo;

namespace MongoSessions.Tests.Conformance;

/// <summary>Compares one expected option of a spec test (lowercased key, JSON-typed value) with the parsed options.</summary>
internal static class UriSpecOptions
{
    public static void Check(ConnectionStringOptions options, string key, JsonElement expected)
    {
        object? actual = Actual(options, key.ToLowerInvariant());
        switch (expected.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                Assert.That(actual, Is.EqualTo(expected.GetBoolean()), key);
                break;
            case JsonValueKind.Number:
                Assert.That(actual, Is.EqualTo(expected.GetInt64()), key);
                break;
            case JsonValueKind.String:
                Assert.That(actual, Is.EqualTo(expected.GetString()), key);
                break;
            case JsonValueKind.Object:
                var pairs = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String
                    ? p.Value.GetString()! : p.Value.GetRawText());
                Assert.That(actual, Is.EquivalentTo(pairs), key);
                break;
            default:
                Assert.That(actual, Is.Null, key);
                break;
        }
    }

    private static object? Actual(ConnectionStringOptions o, string key) => key switch
    {
        "appname" => o.AppName,
        "authmechanism" => o.AuthMechanism,
        "authmechanismproperties" => o.AuthMechanismProperties,
        "authsource" => o.AuthSource,
        "connecttimeoutms" => Ms(o.ConnectTimeout),
        "directconnection" => o.DirectConnection,
        "heartbeatfrequencyms" => Ms(o.HeartbeatFrequency),
        "journal" => o.Journal,
        "loadbalanced" => o.LoadBalanced,
        "maxidletimems" => Ms(o.MaxIdleTime),
        "maxpoolsize" => (long?)o.MaxPoolSize,
        "minpoolsize" => (long?)o.MinPoolSize,
        "replicaset" => o.ReplicaSet,
        "retryreads" => o.RetryReads,
        "retrywrites" => o.RetryWrites,
        "serverselectiontimeoutms" => Ms(o.ServerSelectionTimeout),
        "sockettimeoutms" => Ms(o.SocketTimeout),
        "srvmaxhosts" => (long?)o.SrvMaxHosts,
        "srvservicename" => o.SrvServiceName,
        "tls" or "ssl" => o.Tls,
        "tlsallowinvalidcertificates" => o.TlsAllowInvalidCertificates,
        "tlsallowinvalidhostnames" => o.TlsAllowInvalidHostnames,
        "tlscafile" => o.TlsCAFile,
        "tlsinsecure" => o.TlsInsecure,
        "w" => o.W is null ? null : o.W.Count is { } count ? (long)count : o.W.Mode,
        "waitqueuetimeoutms" => Ms(o.WaitQueueTimeout),
        "wtimeoutms" => Ms(o.WTimeout),
        _ => throw new AssertionException($"the test expects option '{key}', which the runner cannot read"),
    };

    private static long? Ms(TimeSpan? time) => time is null ? null : (long)time.Value.TotalMilliseconds;
}
