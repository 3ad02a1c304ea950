using System.Collections.Frozen;

namespace MongoSessions.Mongo;

/// <summary>
/// Every connection string option MongoSess knows, by its canonical spelling (uri-options spec). Keys are compared
/// case-insensitively. README's list of unsupported options is <see cref="Unsupported"/>.
/// </summary>
internal static class UriOptionNames
{
    /// <summary>Options MongoSess reads.</summary>
    public static readonly FrozenSet<string> Supported = Set(
    [
        "appName", "authMechanism", "authMechanismProperties", "authSource", "connectTimeoutMS", "directConnection",
        "heartbeatFrequencyMS", "journal", "loadBalanced", "maxIdleTimeMS", "maxPoolSize", "minPoolSize", "replicaSet",
        "retryReads", "retryWrites", "serverSelectionTimeoutMS", "socketTimeoutMS", "srvMaxHosts", "srvServiceName",
        "ssl", "tls", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames", "tlsCAFile", "tlsInsecure",
        "w", "waitQueueTimeoutMS", "wTimeoutMS",
    ]);

    /// <summary>
    /// Options defined by the MongoDB specifications that MongoSess deliberately leaves out. Each is ignored with a
    /// warning, as the connection string spec requires for keys a driver does not support: the session store only
    /// reads and writes the primary, without compression, proxies or client certificates.
    /// </summary>
    public static readonly FrozenSet<string> Unsupported = Set(
    [
        "compressors", "zlibCompressionLevel",
        "readPreference", "readPreferenceTags", "maxStalenessSeconds", "readConcernLevel", "localThresholdMS",
        "maxConnecting", "timeoutMS", "serverMonitoringMode", "serverSelectionTryOnce",
        "maxAdaptiveRetries", "enableOverloadRetargeting",
        "proxyHost", "proxyPort", "proxyUsername", "proxyPassword",
        "tlsCertificateKeyFile", "tlsCertificateKeyFilePassword",
        "tlsDisableOCSPEndpointCheck", "tlsDisableCertificateRevocationCheck",
        "uuidRepresentation",
    ]);

    /// <summary>
    /// Unsupported options whose conflict rules (uri-options spec, "Conflicting TLS options") MongoSess still enforces,
    /// because a string combining them is ambiguous about how much certificate checking the user gave up.
    /// </summary>
    public static readonly FrozenSet<string> UnsupportedButValidated = Set(
    [
        "tlsDisableOCSPEndpointCheck", "tlsDisableCertificateRevocationCheck",
    ]);

    /// <summary>Options whose values are secrets: <see cref="ConnectionString.ToString"/> masks them like the password.</summary>
    public static readonly FrozenSet<string> SecretValued = Set(
    [
        "proxyPassword", "tlsCertificateKeyFilePassword",
    ]);

    /// <summary>The only options a mongodb+srv TXT record may set (initial DNS seedlist discovery spec).</summary>
    public static readonly FrozenSet<string> AllowedInTxtRecord = Set(
    [
        "authSource", "replicaSet", "loadBalanced",
    ]);

    /// <summary>Authentication mechanisms MongoSess implements.</summary>
    public static readonly IReadOnlyList<string> SupportedAuthMechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-1"];

    /// <summary>Mechanisms of the auth spec that MongoSess does not implement; asking for one is an error.</summary>
    public static readonly FrozenSet<string> UnsupportedAuthMechanisms = Set(
    [
        "MONGODB-X509", "GSSAPI", "PLAIN", "MONGODB-AWS", "MONGODB-OIDC", "MONGODB-CR",
    ]);

    private static FrozenSet<string> Set(string[] names) => names.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of a supported or unsupported option key, or null for an unknown key.</summary>
    public static string? Canonical(string key) =>
        Supported.TryGetValue(key, out var name) || Unsupported.TryGetValue(key, out name) ? name : null;
}
