using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions;

/// <summary>
/// One stored session: <c>{ _id, tokenHash, data, createdAt, expiresAt }</c> (plus <c>absoluteExpiresAt</c>,
/// <c>browserSession</c>, <c>tokenReplacedAt</c> and others when set), the same shape in every store. It holds the
/// hash of the session's token, never the token: nothing in it can be presented as a cookie.
/// </summary>
public sealed class SessionRecord
{
    /// <summary>Creates a record.</summary>
    public SessionRecord(
        string id, SessionData data, DateTimeOffset createdAt, DateTimeOffset expiresAt, bool browserSessionCookie = false,
        DateTimeOffset? absoluteExpiresAt = null, string? csrfToken = null, SessionData? flash = null, string? tokenHash = null,
        DateTimeOffset? tokenReplacedAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(data);
        Id = id;
        Data = data;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
        BrowserSessionCookie = browserSessionCookie;
        AbsoluteExpiresAt = absoluteExpiresAt;
        CsrfToken = csrfToken;
        Flash = flash ?? new SessionData();
        TokenHash = tokenHash;
        TokenReplacedAt = tokenReplacedAt;
    }

    /// <summary>
    /// The session's key (<c>_id</c>): random, the same for the session's whole life (regeneration changes its token,
    /// not its key), and not a credential: without the token whose hash is <see cref="TokenHash"/> it opens nothing.
    /// Administration (<see cref="MongoSessClient.EndAsync"/>) names sessions by it.
    /// </summary>
    public string Id { get; }

    /// <summary>
    /// The SHA-256 (base64url) of the session's current token (<c>tokenHash</c>); a request opens the session only
    /// with a cookie whose token hashes to it. Null for a record that no token opens.
    /// </summary>
    public string? TokenHash { get; internal set; }

    /// <summary>
    /// The session's own idle timeout (<c>idleTimeout</c>, in milliseconds), set by
    /// <see cref="MongoSess.SetLifetimeAsync"/> ("remember me"); null when the configured one applies. Its cookie then
    /// follows the session's expiry exactly, unless it is a browser-session cookie.
    /// </summary>
    public TimeSpan? IdleTimeout { get; internal set; }

    /// <summary>The user the session belongs to (<c>userId</c>, indexed in every store), set by <see cref="MongoSess.SetUserAsync"/>; null until then.</summary>
    public string? UserId { get; internal set; }

    /// <summary>The client details the application recorded with the session (<c>clientInfo</c>: a user agent, an IP address); null when none.</summary>
    public IReadOnlyDictionary<string, string>? ClientInfo { get; internal set; }

    /// <summary>When a regeneration last replaced the token (<c>tokenReplacedAt</c>); null when it never was.</summary>
    public DateTimeOffset? TokenReplacedAt { get; internal set; }

    /// <summary>The session values (<c>data</c>).</summary>
    public SessionData Data { get; }

    /// <summary>When the session was created (<c>createdAt</c>), millisecond precision.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the session expires for inactivity (<c>expiresAt</c>); at or after this instant it reads as absent.</summary>
    public DateTimeOffset ExpiresAt { get; internal set; }

    /// <summary>
    /// When the session expires however active it is (<c>absoluteExpiresAt</c>, set at creation from
    /// <see cref="MongoSessOptions.AbsoluteTimeout"/>); null without an absolute timeout.
    /// </summary>
    public DateTimeOffset? AbsoluteExpiresAt { get; internal set; }

    /// <summary>Flash entries waiting for the next request (<c>flash</c>), kept outside <see cref="Data"/>.</summary>
    public SessionData Flash { get; }

    /// <summary>The session's CSRF token (<c>csrf</c>), kept outside <see cref="Data"/>; null until first asked for.</summary>
    public string? CsrfToken { get; internal set; }

    /// <summary>The earlier of <see cref="ExpiresAt"/> and <see cref="AbsoluteExpiresAt"/>: when the session really ends.</summary>
    public DateTimeOffset EffectiveExpiresAt => AbsoluteExpiresAt is { } absolute && absolute < ExpiresAt ? absolute : ExpiresAt;

    /// <summary>
    /// True after <see cref="MongoSess.ExpireAsync"/>: the cookie is a browser-session cookie from then on
    /// (stored as <c>browserSession: true</c>, absent otherwise).
    /// </summary>
    public bool BrowserSessionCookie { get; internal set; }

    /// <summary>True when the session has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => EffectiveExpiresAt <= now;

    /// <summary>
    /// How many versioned writes the record has had (<c>version</c>, absent when zero). Only encryption at rest writes
    /// versions: its updates replace the whole encrypted data, so they are compare-and-swap on this number.
    /// </summary>
    public long Version { get; internal set; }

    /// <summary>A deep copy.</summary>
    public SessionRecord Clone() => WithContent(Data.Clone(), Flash.Clone());

    /// <summary>
    /// This record with other data and flash entries and everything else the same (the one place that lists every
    /// field: a copy made anywhere else would forget the next one added).
    /// </summary>
    internal SessionRecord WithContent(SessionData data, SessionData flash) =>
        new(Id, data, CreatedAt, ExpiresAt, BrowserSessionCookie, AbsoluteExpiresAt, CsrfToken, flash, TokenHash, TokenReplacedAt)
        {
            Version = Version,
            IdleTimeout = IdleTimeout,
            UserId = UserId,
            ClientInfo = ClientInfo,
        };

    /// <summary>
    /// True when <paramref name="update"/> may change this record: it is live at the update's time and its current
    /// token is the one the update presents. Stores that keep records in memory or as bytes check this, under their
    /// lock, before <see cref="Apply"/>.
    /// </summary>
    public bool IsOpenedBy(SessionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return !IsExpired(update.Now) && TokenHash is not null && string.Equals(TokenHash, update.TokenHash, StringComparison.Ordinal);
    }

    /// <summary>
    /// <see cref="Apply"/> for stores that check <see cref="SessionUpdate.ExpectedVersion"/>: null, with nothing changed,
    /// when the update expects another version; otherwise applies it and moves to the next version.
    /// </summary>
    internal SessionWriteResult? ApplyIfVersion(SessionUpdate update)
    {
        if (update.ExpectedVersion is not { } expected)
        {
            return Apply(update);
        }
        if (expected != Version)
        {
            return null;
        }
        var result = Apply(update);
        Version = expected + 1;
        return result;
    }

    /// <summary>
    /// Applies an update as <see cref="ISessionStore.UpdateAsync"/> describes, all or none; for stores that
    /// keep records in memory or as bytes.
    /// </summary>
    /// <returns>The result <see cref="ISessionStore.UpdateAsync"/> returns for it.</returns>
    public SessionWriteResult Apply(SessionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        // most updates touch only data: split only when flash operations are present (this runs on every write)
        IReadOnlyList<SessionOperation> dataOperations = update.Operations;
        List<SessionOperation>? flashOperations = null;
        foreach (var operation in update.Operations)
        {
            if (operation.Area == SessionArea.Flash)
            {
                flashOperations ??= [];
                flashOperations.Add(operation);
            }
        }
        if (flashOperations is not null)
        {
            var dataOnly = new List<SessionOperation>(update.Operations.Count - flashOperations.Count);
            foreach (var operation in update.Operations)
            {
                if (operation.Area == SessionArea.Data)
                {
                    dataOnly.Add(operation);
                }
            }
            dataOperations = dataOnly;
        }
        // flash entries have unique names, so flash operations cannot fail once the data's have not
        var results = Data.Apply(dataOperations);
        var flashResults = flashOperations is null ? null : Flash.Apply(flashOperations);
        if (update.ExpiresAt is { } expiresAt && (!update.ExtendOnly || expiresAt > ExpiresAt))
        {
            ExpiresAt = expiresAt;
        }
        if (update.BrowserSessionCookie is { } browserSession)
        {
            BrowserSessionCookie = browserSession;
        }
        if (update.IdleTimeout is { } idle)
        {
            IdleTimeout = Truncate(idle);
        }
        if (update.UserId is { } user)
        {
            UserId = user;
        }
        if (update.ClientInfo is { } info)
        {
            ClientInfo = new Dictionary<string, string>(info, StringComparer.Ordinal);
        }
        if (update.CsrfToken is { } token && (update.ReplaceCsrfToken || CsrfToken is null))
        {
            CsrfToken = token;
        }
        if (update.NewTokenHash is { } newTokenHash)
        {
            TokenHash = newTokenHash;
            TokenReplacedAt = Truncate(update.Now);
        }
        return flashResults is null
            ? new SessionWriteResult(results, BrowserSessionCookie, AbsoluteExpiresAt) { CsrfToken = CsrfToken, IdleTimeout = IdleTimeout, ExpiresAt = ExpiresAt }
            : new SessionWriteResult(results, BrowserSessionCookie, AbsoluteExpiresAt) { CsrfToken = CsrfToken, IdleTimeout = IdleTimeout, ExpiresAt = ExpiresAt, FlashValues = flashResults };
    }

    /// <summary>Creates the record a <see cref="SessionUpdate"/> with <see cref="SessionUpdate.CreateIfMissing"/> makes.</summary>
    public static SessionRecord CreateFrom(SessionUpdate update) => CreateFrom(update, out _);

    /// <summary>Creates the record a <see cref="SessionUpdate"/> with <see cref="SessionUpdate.CreateIfMissing"/> makes, and the result to report.</summary>
    public static SessionRecord CreateFrom(SessionUpdate update, out SessionWriteResult result)
    {
        ArgumentNullException.ThrowIfNull(update);
        var expiresAt = update.ExpiresAt ?? throw new ArgumentException("A session can only be created with an expiry.", nameof(update));
        var record = new SessionRecord(update.Id, new SessionData(), Truncate(update.Now), expiresAt, absoluteExpiresAt: update.AbsoluteExpiresAt)
        {
            Version = update.ExpectedVersion is { } expected ? expected + 1 : 0,
            TokenHash = update.TokenHash,
        };
        result = record.Apply(update);
        return record;
    }

    /// <summary>The record as a BSON document, the format the file store writes and MongoDB stores.</summary>
    public byte[] ToBson() => ToDocument().ToBson();

    /// <summary>Reads a record written by <see cref="ToBson"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a valid session record.</exception>
    public static SessionRecord FromBson(ReadOnlySpan<byte> bson) => FromDocument(BsonBytes.ReadDocument(bson));

    // the file store has the bytes as an array already: no copy
    internal static SessionRecord FromBson(byte[] bson) => FromDocument(BsonBytes.ReadDocument(bson));

    internal BsonDocument ToDocument()
    {
        var document = new BsonDocument()
            .Add("_id", new BsonString(Id));
        if (TokenHash is not null)
        {
            document.Add("tokenHash", new BsonString(TokenHash));
        }
        document
            .Add("data", Data.Document)
            .Add("createdAt", BsonConversions.FromDateTimeOffset(CreatedAt))
            .Add("expiresAt", BsonConversions.FromDateTimeOffset(ExpiresAt));
        if (BrowserSessionCookie)
        {
            document.Add("browserSession", BsonBoolean.True);
        }
        if (AbsoluteExpiresAt is { } absolute)
        {
            document.Add("absoluteExpiresAt", BsonConversions.FromDateTimeOffset(absolute));
        }
        if (CsrfToken is not null)
        {
            document.Add("csrf", new BsonString(CsrfToken));
        }
        if (Flash.Count > 0)
        {
            document.Add("flash", Flash.Document);
        }
        if (Version != 0)
        {
            document.Add("version", new BsonInt64(Version));
        }
        if (TokenReplacedAt is { } replaced)
        {
            document.Add("tokenReplacedAt", BsonConversions.FromDateTimeOffset(replaced));
        }
        if (IdleTimeout is { } idle)
        {
            document.Add("idleTimeout", new BsonInt64((long)idle.TotalMilliseconds));
        }
        if (UserId is not null)
        {
            document.Add("userId", new BsonString(UserId));
        }
        if (ClientInfo is not null)
        {
            document.Add("clientInfo", ClientInfoDocument(ClientInfo));
        }
        return document;
    }

    internal static SessionRecord FromDocument(BsonDocument document)
    {
        if (document.GetValue("_id", null) is not BsonString id || id.Value.Length == 0
            || document.GetValue("data", null) is not BsonDocument data
            || document.GetValue("createdAt", null) is not BsonDateTime createdAt
            || document.GetValue("expiresAt", null) is not BsonDateTime expiresAt)
        {
            throw new FormatException("The document is not a session record: it needs _id (string), data (document), createdAt and expiresAt (dates).");
        }
        bool browserSession = document.GetValue("browserSession", null) is BsonBoolean { Value: true };
        DateTimeOffset? absolute = document.GetValue("absoluteExpiresAt", null) is BsonDateTime a ? ToOffset(a) : null;
        string? csrf = document.GetValue("csrf", null) is BsonString token ? token.Value : null;
        var flash = document.GetValue("flash", null) is BsonDocument entries ? new SessionData(entries) : null;
        long version = document.GetValue("version", null) switch
        {
            BsonInt64 l => l.Value,
            BsonInt32 i => i.Value,
            _ => 0,
        };
        // a record without a token hash (written before tokens were hashed) is kept for its data, and no cookie opens it
        string? tokenHash = document.GetValue("tokenHash", null) is BsonString hash ? hash.Value : null;
        DateTimeOffset? tokenReplacedAt = document.GetValue("tokenReplacedAt", null) is BsonDateTime replaced ? ToOffset(replaced) : null;
        return new SessionRecord(id.Value, new SessionData(data), ToOffset(createdAt), ToOffset(expiresAt), browserSession, absolute, csrf, flash, tokenHash, tokenReplacedAt)
        {
            Version = version,
            IdleTimeout = IdleTimeoutOf(document),
            UserId = document.GetValue("userId", null) is BsonString user ? user.Value : null,
            ClientInfo = document.GetValue("clientInfo", null) is BsonDocument info
                ? info.Where(e => e.Value is BsonString).ToDictionary(e => e.Name, e => e.Value.AsString, StringComparer.Ordinal)
                : null,
        };
    }

    private static DateTimeOffset ToOffset(BsonDateTime value) => BsonConversions.ToDateTimeOffset(value);

    /// <summary>The <c>idleTimeout</c> field (milliseconds) of a stored document, or null.</summary>
    internal static TimeSpan? IdleTimeoutOf(BsonDocument document) => document.GetValue("idleTimeout", null) switch
    {
        BsonInt64 l when l.Value > 0 => TimeSpan.FromMilliseconds(l.Value),
        BsonInt32 i when i.Value > 0 => TimeSpan.FromMilliseconds(i.Value),
        _ => null,
    };

    internal static BsonDocument ClientInfoDocument(IReadOnlyDictionary<string, string> info)
    {
        var document = new BsonDocument();
        foreach (var (name, value) in info)
        {
            document.Set(name, new BsonString(value));
        }
        return document;
    }

    private static TimeSpan Truncate(TimeSpan value) => TimeSpan.FromMilliseconds((long)value.TotalMilliseconds);

    // BSON dates hold milliseconds: keep records equal to what a store gives back
    internal static DateTimeOffset Truncate(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
