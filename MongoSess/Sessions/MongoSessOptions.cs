using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace MongoSessions;

/// <summary>Every MongoSess setting and its default, in one place.</summary>
public sealed class MongoSessOptions
{
    /// <summary>The database when neither <see cref="Database"/> nor the connection string names one.</summary>
    public const string DefaultDatabase = "mongosess";

    /// <summary>The server when no connection string, server list or client settings are given.</summary>
    public const string DefaultConnectionString = "mongodb://localhost:27017";

    /// <summary>
    /// Unlike the driver (no timeout), 30 s by default: a web request must never wait forever on a server that took a
    /// command and went silent. <c>socketTimeoutMS=0</c> in the connection string turns it off.
    /// </summary>
    public static readonly TimeSpan DefaultSocketTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How many requests may wait for a pooled connection at once, instead of the driver's maxPoolSize × 5.</summary>
    public const int DefaultWaitQueueSize = 10_000;

    /// <summary>The session cookie: name, signing keys, lifetime and attributes.</summary>
    public SessionCookieOptions Cookie { get; set; } = new();

    /// <summary>
    /// The idle timeout: a session expires this long after its last write. Default 14 days.
    /// An expired session reads as absent even before the store removes it.
    /// </summary>
    public TimeSpan Expires { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The absolute timeout: a session ends this long after it was created, however active it is (OWASP). The cookie
    /// never outlives it. Default null: no absolute timeout. Regeneration keeps the original deadline.
    /// </summary>
    public TimeSpan? AbsoluteTimeout { get; set; }

    /// <summary>
    /// How often the idle expiry moves, at most half <see cref="Expires"/>: a request that only reads extends it once this
    /// has passed since it last moved (with one small update that writes no data); a write extends it in its own update,
    /// but only the first write in each half of this moves it. The cookie is re-sent only when the expiry moves.
    /// Default null: a tenth of <see cref="Expires"/>; <see cref="Timeout.InfiniteTimeSpan"/>: reads never extend it,
    /// and every write does.
    /// </summary>
    public TimeSpan? TouchAfter { get; set; }

    /// <summary><see cref="TouchAfter"/>, or its default: a tenth of <see cref="Expires"/>.</summary>
    internal TimeSpan TouchAfterOrDefault => TouchAfter ?? Expires / 10;

    /// <summary>
    /// How expired sessions are removed: <see cref="SessionCleanup.Default"/> (MongoDB's TTL index on MongoDB, a sweep
    /// every 10 minutes elsewhere), <see cref="SessionCleanup.TtlIndex"/>, <see cref="SessionCleanup.Sweep"/>,
    /// <see cref="SessionCleanup.Lottery"/> or <see cref="SessionCleanup.Off"/>.
    /// </summary>
    public SessionCleanup Cleanup { get; set; } = SessionCleanup.Default;

    /// <summary>
    /// Whether connecting to MongoDB creates the TTL indexes (when <see cref="Cleanup"/> uses them). Default true; turn
    /// it off when the database account may not create indexes, and create them by hand (see README).
    /// </summary>
    public bool CreateIndexes { get; set; } = true;

    /// <summary>
    /// Encrypts each session's data and flash entries at rest with AES-256-GCM under these keys. Default null: stored
    /// in the clear. Writes then cost a read and a compare-and-swap (two store round trips instead of one) and
    /// <see cref="MongoSess.EndWhereAsync"/> scans every session; see README, "Encryption at rest". Works with the
    /// built-in stores only.
    /// </summary>
    public EncryptionKeyring? Encryption { get; set; }

    /// <summary>
    /// With <see cref="Encryption"/>, whether a session stored in the clear (written before encryption was turned on)
    /// is read and encrypted on its first read. Default false: such a session reads as absent and is logged, so that
    /// someone who can write to the store cannot slip data in beside the encrypted sessions. Turn it on while moving a
    /// store to encryption, and off again once its sessions have been read or have expired.
    /// </summary>
    public bool EncryptionMigratesPlaintext { get; set; }

    /// <summary>The clock used for expiry. Default <see cref="TimeProvider.System"/>; tests pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where MongoSess logs (never secrets or session data). Default none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The MongoDB connection string for <see cref="MongoSess.ConnectAsync(MongoSessOptions, CancellationToken)"/>, e.g.
    /// <c>mongodb://user:pass@db1,db2/app?replicaSet=rs0</c> or <c>mongodb+srv://user:pass@cluster0.example.net/app</c>.
    /// A path with two segments, <c>/app/websessions</c>, names the collection too. Null (the default) with no
    /// <see cref="Servers"/> means <c>mongodb://localhost:27017</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The servers as host names or <c>host:port</c> strings, instead of a connection string (the original MongoSess
    /// and koa-session-mongo style). Setting both is an error.
    /// </summary>
    public IList<string>? Servers { get; set; }

    /// <summary>The database; default: the connection string's, otherwise <c>mongosess</c>.</summary>
    public string? Database { get; set; }

    /// <summary>The collection; default: the connection string's second path segment, otherwise <c>sessions</c>.</summary>
    public string? Collection { get; set; }

    /// <summary>The user name, overriding the connection string's.</summary>
    public string? Username { get; set; }

    /// <summary>The password, overriding the connection string's. Never logged or shown in an error.</summary>
    public string? Password { get; set; }

    /// <summary>Whether to use TLS, overriding the connection string's <c>tls</c> option.</summary>
    public bool? Tls { get; set; }

    /// <summary>The most connections per server, overriding the connection string's <c>maxPoolSize</c> (default 100).</summary>
    public int? PoolSize { get; set; }

    /// <summary>
    /// The driver's settings for what a connection string cannot say (client certificates, a Stable API version, event
    /// subscribers, client-side encryption), instead of <see cref="ConnectionString"/> or <see cref="Servers"/>; start
    /// from <c>MongoClientSettings.FromConnectionString(...)</c> to combine both. MongoSess creates, owns and disposes the
    /// client. A <see cref="MongoClientSettings.SocketTimeout"/> of zero (the driver's default: none) becomes 30 seconds.
    /// To share a client the application already has, use <see cref="MongoSessionStore"/> instead.
    /// </summary>
    public MongoClientSettings? ClientSettings { get; set; }
}
