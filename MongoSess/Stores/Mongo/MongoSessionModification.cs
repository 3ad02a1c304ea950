using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions;

/// <summary>
/// One <see cref="SessionUpdate"/> as the <c>findAndModify</c> that applies it: <c>$set</c>/<c>$unset</c>/<c>$inc</c>/
/// <c>$push</c> on exactly the paths it touches (never a whole-document replace), <c>$max</c> on an expiry that only
/// moves later, and a projection that returns only what the result needs (incremented or pulled values, the cookie
/// flag, the absolute and the kept idle expiry, and the CSRF token).
/// </summary>
internal sealed class MongoSessionModification
{
    private MongoSessionModification(BsonDocument filter, BsonDocument changes, BsonDocument projection, bool returnsOldDocument, bool addsMissingToken)
    {
        Filter = filter;
        Changes = changes;
        Projection = projection;
        ReturnsOldDocument = returnsOldDocument;
        AddsMissingToken = addsMissingToken;
    }

    public BsonDocument Filter { get; }

    /// <summary>The update operators; empty when the update changes nothing.</summary>
    public BsonDocument Changes { get; }

    public BsonDocument Projection { get; }

    /// <summary>True when pulls need the document as it was before the update.</summary>
    public bool ReturnsOldDocument { get; }

    /// <summary>True when the update only stores a CSRF token where none is yet.</summary>
    public bool AddsMissingToken { get; }

    public static MongoSessionModification For(SessionUpdate update)
    {
        // operator documents are made when first needed: most writes touch one or two operators
        BsonDocument? set = null;
        BsonDocument? unset = null;
        BsonDocument? increment = null;
        BsonDocument? push = null;
        BsonDocument? max = null;
        var projection = new BsonDocument { { "_id", 0 }, { "browserSession", 1 }, { "absoluteExpiresAt", 1 }, { "csrf", 1 }, { "idleTimeout", 1 } };
        bool tokenIfMissing = update.CsrfToken is not null && !update.ReplaceCsrfToken;
        if (tokenIfMissing && update.Operations.Count > 0)
        {
            throw new ArgumentException("An update that adds a missing CSRF token carries no other operations.", nameof(update));
        }
        bool pulls = false;
        bool increments = false;
        foreach (var operation in update.Operations)
        {
            pulls |= operation.Kind == SessionOperationKind.Pull;
            increments |= operation.Kind == SessionOperationKind.Increment;
        }
        if (pulls && increments)
        {
            // one findAndModify returns either the document before the update (pulls) or after it (increments)
            throw new ArgumentException("One session update cannot both pull and increment.", nameof(update));
        }
        foreach (var operation in update.Operations)
        {
            var path = (operation.Area == SessionArea.Flash ? "flash." : "data.") + operation.Path;
            switch (operation.Kind)
            {
                case SessionOperationKind.Set:
                    (set ??= []).Set(path, operation.Value!);
                    break;
                case SessionOperationKind.Unset:
                    (unset ??= []).Set(path, "");
                    break;
                case SessionOperationKind.Increment:
                    (increment ??= []).Set(path, operation.Value!);
                    projection.Set(path, 1);
                    break;
                case SessionOperationKind.Push:
                    (push ??= []).Set(path, operation.Value!);
                    break;
                case SessionOperationKind.Pull:
                    (unset ??= []).Set(path, "");
                    projection.Set(path, 1);
                    break;
                case SessionOperationKind.Clear:
                    (set ??= []).Set("data", new BsonDocument());
                    break;
            }
        }
        if (update.ExpiresAt is { } expiresAt)
        {
            var expiry = BsonConversions.FromDateTimeOffset(expiresAt);
            if (update.ExtendOnly)
            {
                // only ever later, in the same step; the returned document shows the expiry kept
                max = new BsonDocument("expiresAt", expiry);
                projection.Set("expiresAt", 1);
            }
            else
            {
                (set ??= []).Set("expiresAt", expiry);
            }
        }
        if (update.BrowserSessionCookie is { } browserSession)
        {
            (set ??= []).Set("browserSession", browserSession);
        }
        if (update.UserId is { } user)
        {
            (set ??= []).Set("userId", user);
        }
        if (update.ClientInfo is { } info)
        {
            (set ??= []).Set("clientInfo", SessionRecord.ClientInfoDocument(info));
        }
        if (update.IdleTimeout is { } idle)
        {
            (set ??= []).Set("idleTimeout", new BsonInt64((long)idle.TotalMilliseconds));
        }
        if (update.CsrfToken is { } token)
        {
            (set ??= []).Set("csrf", token);
        }
        if (update.ExpectedVersion is { } version)
        {
            (set ??= []).Set("version", version + 1);
        }
        if (update.NewTokenHash is { } newTokenHash)
        {
            // regeneration: the token changes in the same step as everything else, on the same document
            (set ??= []).Set("tokenHash", newTokenHash).Set("tokenReplacedAt", BsonConversions.FromDateTimeOffset(update.Now));
        }
        var changes = new BsonDocument();
        AddIfAny(changes, "$set", set);
        AddIfAny(changes, "$unset", unset);
        AddIfAny(changes, "$inc", increment);
        AddIfAny(changes, "$push", push);
        AddIfAny(changes, "$max", max);
        EnsureFits(update, changes);
        var filter = MongoFilters.Live(update.Id, update.Now).Add("tokenHash", update.TokenHash);
        if (tokenIfMissing)
        {
            filter.Add("csrf", new BsonDocument("$exists", false));
        }
        if (update.ExpectedVersion is { } expected)
        {
            // compare-and-swap: a document never written with a version has none
            filter.Add("version", expected == 0 ? new BsonDocument("$exists", false) : new BsonInt64(expected));
        }
        return new MongoSessionModification(filter, changes, projection, pulls, tokenIfMissing);
    }

    /// <summary>
    /// Refuses, before anything is sent, a command that would carry more than MongoDB's 16 MiB limit, as every store
    /// refuses such a session: the server would only say so after receiving all of it. Exact only for the rare large
    /// update; the rest pass a cheap upper bound.
    /// </summary>
    /// <exception cref="InvalidOperationException">The document is too large; nothing was written.</exception>
    public static void EnsureFits(SessionUpdate update, BsonDocument document)
    {
        long bound = 0;
        foreach (var operation in update.Operations)
        {
            if (operation.Value is { } value)
            {
                bound += 3L * operation.Path.Length + BsonSize.UpperBound(value, BsonSize.MaxDocumentBytes);
                if (bound > BsonSize.MaxDocumentBytes)
                {
                    break;
                }
            }
        }
        if (bound > BsonSize.MaxDocumentBytes && document.ToBson().Length > BsonSize.MaxDocumentBytes)
        {
            throw new InvalidOperationException($"The session would be larger than MongoDB's {BsonSize.MaxDocumentBytes / (1024 * 1024)} MiB document limit; nothing was written.");
        }
    }

    /// <summary>The write result from the document findAndModify returned (projected by <see cref="Projection"/>).</summary>
    public SessionWriteResult ResultFrom(BsonDocument value, SessionUpdate update)
    {
        var data = value.GetValue("data", null) as BsonDocument ?? [];
        // before the update when pulling: the flag is the old one, unless this very update sets it
        bool cookieFlag = update.BrowserSessionCookie ?? value.GetValue("browserSession", null) is BsonBoolean { Value: true };
        DateTimeOffset? absolute = value.GetValue("absoluteExpiresAt", null) is BsonDateTime a ? BsonConversions.ToDateTimeOffset(a) : null;
        return new SessionWriteResult(new SessionData(data), cookieFlag, absolute)
        {
            CsrfToken = value.GetValue("csrf", null) is BsonString csrf ? csrf.Value : null,
            FlashValues = new SessionData(value.GetValue("flash", null) as BsonDocument ?? []),
            // before the update when pulling: the stored one, unless this very update sets it
            IdleTimeout = update.IdleTimeout ?? SessionRecord.IdleTimeoutOf(value),
            ExpiresAt = update.ExtendOnly ? KeptExpiry(value, update) : null,
        };
    }

    // the expiry after a $max: as returned after the update, or (when the document is the one from before it) the
    // later of the stored one and the update's
    private DateTimeOffset? KeptExpiry(BsonDocument value, SessionUpdate update)
    {
        if (value.GetValue("expiresAt", null) is not BsonDateTime returned)
        {
            return null;
        }
        var stored = BsonConversions.ToDateTimeOffset(returned);
        return ReturnsOldDocument && update.ExpiresAt is { } asked && asked > stored ? asked : stored;
    }

    private static void AddIfAny(BsonDocument update, string op, BsonDocument? fields)
    {
        if (fields is not null)
        {
            update.Add(op, fields);
        }
    }
}
