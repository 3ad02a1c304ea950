using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using MongoSessions.Bson;
using MongoSessions.Mongo;

namespace MongoSessions;

/// <summary>
/// Sessions in a MongoDB collection, one document each: <c>{ _id, data, createdAt, expiresAt }</c>. Every operation
/// is one command on the primary: load = <c>find</c>, create = <c>insert</c>, a write = <c>findAndModify</c> with
/// <c>$set</c>/<c>$unset</c>/<c>$inc</c> on the paths it touches (returning only the incremented values and the
/// cookie flag), end = <c>delete</c>. Expired documents are filtered out on every read, because the TTL monitor only
/// runs once a minute.
/// </summary>
internal sealed class MongoSessionStore : ISessionStore, IVersionedSessionStore
{
    // server errors that mean "this update does not fit the stored data": the store contract's InvalidOperationException
    private static readonly HashSet<int> s_updateConflicts = [2, 14, 28, 40, 10334, 17419];

    private readonly MongoClient _client;
    private readonly string _database;
    private readonly string _collection;
    private readonly ILogger _logger;

    public MongoSessionStore(MongoClient client, string database, string collection, ILogger logger)
    {
        _client = client;
        _database = database;
        _collection = collection;
        _logger = logger;
    }

    public MongoClient Client => _client;

    /// <summary>Creates the TTL index on expiresAt (idempotent); a refusal is logged, not thrown, since sessions still work without it.</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken)
    {
        // two TTL indexes: the idle expiry, and the absolute one (documents without that field are left alone)
        var command = new BsonDocument()
            .Add("createIndexes", new BsonString(_collection))
            .Add("indexes", new BsonArray().Add(TtlIndex("expiresAt")).Add(TtlIndex("absoluteExpiresAt")));
        try
        {
            await _client.WriteAsync(_database, command, cancellationToken, retryable: false).ConfigureAwait(false);
            _logger.LogInformation("TTL indexes on {Database}.{Collection} are in place", _database, _collection);
        }
        catch (MongoSessCommandException e)
        {
            _logger.LogWarning(
                "Could not create the TTL index on {Database}.{Collection}.expiresAt ({Error}); expired sessions are still ignored, but only the sweep removes them. " +
                "Create it with: db.{Collection}.createIndex({{ expiresAt: 1 }}, {{ expireAfterSeconds: 0 }})",
                _database, _collection, e.Message, _collection);
        }
    }

    private static BsonDocument TtlIndex(string field) => new BsonDocument()
        .Add("key", new BsonDocument().Add(field, new BsonInt32(1)))
        .Add("name", new BsonString(field + "_1"))
        .Add("expireAfterSeconds", new BsonInt32(0));

    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = new BsonDocument()
            .Add("find", new BsonString(_collection))
            .Add("filter", LiveFilter(id, now))
            .Add("limit", new BsonInt32(1))
            .Add("singleBatch", BsonBoolean.True);
        var reply = await _client.ReadAsync(_database, command, cancellationToken).ConfigureAwait(false);
        var batch = (reply["cursor"] as BsonDocument)?["firstBatch"] as BsonArray;
        return batch is { Count: > 0 } && batch[0] is BsonDocument document ? Read(document) : null;
    }

    public async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        try
        {
            return update.CreateIfMissing ? await InsertAsync(update, cancellationToken).ConfigureAwait(false) : await ModifyAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoSessCommandException e) when (s_updateConflicts.Contains(e.Code))
        {
            throw new InvalidOperationException($"The session update does not fit the stored session: {e.ServerMessage}", e);
        }
    }

    private async Task<SessionWriteResult?> ModifyAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        var set = new BsonDocument();
        var unset = new BsonDocument();
        var increment = new BsonDocument();
        var push = new BsonDocument();
        var fields = new BsonDocument().Add("_id", new BsonInt32(0)).Add("browserSession", new BsonInt32(1)).Add("absoluteExpiresAt", new BsonInt32(1)).Add("csrf", new BsonInt32(1));
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
                    set.Set(path, operation.BsonValue!);
                    break;
                case SessionOperationKind.Unset:
                    unset.Set(path, new BsonString(""));
                    break;
                case SessionOperationKind.Increment:
                    increment.Set(path, operation.BsonValue!);
                    fields.Set(path, new BsonInt32(1));
                    break;
                case SessionOperationKind.Push:
                    push.Set(path, operation.BsonValue!);
                    break;
                case SessionOperationKind.Pull:
                    unset.Set(path, new BsonString(""));
                    fields.Set(path, new BsonInt32(1));
                    break;
                case SessionOperationKind.Clear:
                    set.Set("data", new BsonDocument());
                    break;
            }
        }
        if (update.ExpiresAt is { } expiresAt)
        {
            set.Set("expiresAt", BsonDateTime.FromDateTimeOffset(expiresAt));
        }
        if (update.BrowserSessionCookie is { } browserSession)
        {
            set.Set("browserSession", BsonBoolean.Of(browserSession));
        }
        if (update.CsrfToken is { } token)
        {
            set.Set("csrf", new BsonString(token));
        }
        if (update.ExpectedVersion is { } version)
        {
            set.Set("version", new BsonInt64(version + 1));
        }
        var changes = new BsonDocument();
        AddIfAny(changes, "$set", set);
        AddIfAny(changes, "$unset", unset);
        AddIfAny(changes, "$inc", increment);
        AddIfAny(changes, "$push", push);
        if (changes.Count == 0)
        {
            // nothing to change: only report whether the session is alive
            var record = await LoadAsync(update.Id, update.Now, cancellationToken).ConfigureAwait(false);
            return record is null ? null : new SessionWriteResult(new SessionData(), record.BrowserSessionCookie, record.AbsoluteExpiresAt) { CsrfToken = record.CsrfToken };
        }
        var query = LiveFilter(update.Id, update.Now);
        if (tokenIfMissing)
        {
            query.Add("csrf", new BsonDocument().Add("$exists", BsonBoolean.False));
        }
        if (update.ExpectedVersion is { } expected)
        {
            // compare-and-swap: a document never written with a version has none
            query.Add("version", expected == 0 ? new BsonDocument().Add("$exists", BsonBoolean.False) : new BsonInt64(expected));
        }
        var command = new BsonDocument()
            .Add("findAndModify", new BsonString(_collection))
            .Add("query", query)
            .Add("update", changes)
            .Add("new", BsonBoolean.Of(!pulls))
            .Add("fields", fields);
        var reply = await _client.WriteAsync(_database, command, cancellationToken).ConfigureAwait(false);
        if (reply["value"] is not BsonDocument value)
        {
            if (!tokenIfMissing)
            {
                return null;
            }
            // no live session without a token: either it has one already (another request made it first) or it is gone
            var existing = await LoadAsync(update.Id, update.Now, cancellationToken).ConfigureAwait(false);
            return existing is null ? null : new SessionWriteResult(new SessionData(), existing.BrowserSessionCookie, existing.AbsoluteExpiresAt) { CsrfToken = existing.CsrfToken };
        }
        var data = value["data"] as BsonDocument ?? new BsonDocument();
        // before the update when pulling: the flag is the old one, unless this very update sets it
        bool cookieFlag = update.BrowserSessionCookie ?? value["browserSession"] is BsonBoolean { Value: true };
        DateTimeOffset? absolute = value["absoluteExpiresAt"] is BsonDateTime a ? DateTimeOffset.FromUnixTimeMilliseconds(a.MillisecondsSinceEpoch) : null;
        return new SessionWriteResult(new SessionData(data), cookieFlag, absolute)
        {
            CsrfToken = value["csrf"] is BsonString csrf ? csrf.Value : null,
            FlashValues = new SessionData(value["flash"] as BsonDocument ?? new BsonDocument()),
        };
    }

    private async Task<SessionWriteResult> InsertAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        var record = SessionRecord.CreateFrom(update, out var result);
        var command = new BsonDocument()
            .Add("insert", new BsonString(_collection))
            .Add("documents", new BsonArray().Add(record.ToDocument()));
        try
        {
            await _client.WriteAsync(_database, command, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoSessCommandException e) when (e.Code == 11000)
        {
            // an expired session with the same id still waits for the TTL monitor: it is gone for every reader, so replace it
            var removeExpired = DeleteCommand(ExpiredFilter(update.Now).Add("_id", new BsonString(update.Id)), limit: 1);
            await _client.WriteAsync(_database, removeExpired, cancellationToken).ConfigureAwait(false);
            await _client.WriteAsync(_database, command, cancellationToken).ConfigureAwait(false);
        }
        return result;
    }

    public async ValueTask<bool> DestroyAsync(string id, CancellationToken cancellationToken)
    {
        var reply = await _client.WriteAsync(_database, DeleteCommand(new BsonDocument().Add("_id", new BsonString(id)), limit: 1), cancellationToken).ConfigureAwait(false);
        return Count(reply["n"]) > 0;
    }

    public async ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var command = new BsonDocument()
            .Add("count", new BsonString(_collection))
            .Add("query", LiveFilter(now));
        var reply = await _client.ReadAsync(_database, command, cancellationToken).ConfigureAwait(false);
        return Count(reply["n"]);
    }

    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int BatchSize = 100;
        var find = new BsonDocument()
            .Add("find", new BsonString(_collection))
            .Add("filter", LiveFilter(now))
            .Add("batchSize", new BsonInt32(BatchSize));
        var reply = await _client.ReadAsync(_database, find, cancellationToken).ConfigureAwait(false);
        var cursor = reply["cursor"] as BsonDocument;
        var batch = cursor?["firstBatch"] as BsonArray;
        long cursorId = CursorId(cursor);
        try
        {
            while (batch is not null)
            {
                foreach (var item in batch)
                {
                    if (item is BsonDocument document && Read(document) is { } record)
                    {
                        yield return record;
                    }
                }
                if (cursorId == 0)
                {
                    yield break;
                }
                var getMore = new BsonDocument()
                    .Add("getMore", new BsonInt64(cursorId))
                    .Add("collection", new BsonString(_collection))
                    .Add("batchSize", new BsonInt32(BatchSize));
                reply = await _client.ReadAsync(_database, getMore, cancellationToken, retryable: false).ConfigureAwait(false);
                cursor = reply["cursor"] as BsonDocument;
                batch = cursor?["nextBatch"] as BsonArray;
                cursorId = CursorId(cursor);
            }
        }
        finally
        {
            if (cursorId != 0)
            {
                await KillCursorAsync(cursorId).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        await _client.WriteAsync(_database, DeleteCommand(new BsonDocument(), limit: 0), cancellationToken, retryable: false).ConfigureAwait(false);
    }

    public async ValueTask<long> DestroyWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = LiveFilter(now).Add("data." + match.Path, match.BsonValue);
        var reply = await _client.WriteAsync(_database, DeleteCommand(filter, limit: 0), cancellationToken, retryable: false).ConfigureAwait(false);
        return Count(reply["n"]);
    }

    public async ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reply = await _client.WriteAsync(_database, DeleteCommand(ExpiredFilter(now), limit: 0), cancellationToken, retryable: false).ConfigureAwait(false);
        return Count(reply["n"]);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task KillCursorAsync(long cursorId)
    {
        try
        {
            // the enumeration stopped early: free the server's cursor now rather than after its ten-minute timeout
            using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var command = new BsonDocument()
                .Add("killCursors", new BsonString(_collection))
                .Add("cursors", new BsonArray().Add(new BsonInt64(cursorId)));
            await _client.ReadAsync(_database, command, brief.Token, retryable: false).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MongoSessException or OperationCanceledException)
        {
            _logger.LogDebug("killCursors failed; the server times the cursor out by itself");
        }
    }

    private SessionRecord? Read(BsonDocument document)
    {
        try
        {
            return SessionRecord.FromDocument(document);
        }
        catch (FormatException e)
        {
            // a foreign or damaged document in the collection: not a session, whatever its _id
            _logger.LogWarning("A document in {Database}.{Collection} is not a session record ({Reason}); it is ignored", _database, _collection, e.Message);
            return null;
        }
    }

    private static BsonDocument LiveFilter(string id, DateTimeOffset now) => LiveFilter(now).Add("_id", new BsonString(id));

    // live: before the idle expiry, and before the absolute one when there is one
    private static BsonDocument LiveFilter(DateTimeOffset now) => new BsonDocument()
        .Add("expiresAt", Compare("$gt", now))
        .Add("$or", new BsonArray()
            .Add(new BsonDocument().Add("absoluteExpiresAt", new BsonDocument().Add("$exists", BsonBoolean.False)))
            .Add(new BsonDocument().Add("absoluteExpiresAt", Compare("$gt", now))));

    private static BsonDocument ExpiredFilter(DateTimeOffset now) => new BsonDocument()
        .Add("$or", new BsonArray()
            .Add(new BsonDocument().Add("expiresAt", Compare("$lte", now)))
            .Add(new BsonDocument().Add("absoluteExpiresAt", Compare("$lte", now))));

    private static BsonDocument Compare(string op, DateTimeOffset instant) => new BsonDocument().Add(op, BsonDateTime.FromDateTimeOffset(instant));

    private BsonDocument DeleteCommand(BsonDocument filter, int limit) => new BsonDocument()
        .Add("delete", new BsonString(_collection))
        .Add("deletes", new BsonArray().Add(new BsonDocument().Add("q", filter).Add("limit", new BsonInt32(limit))));

    private static void AddIfAny(BsonDocument update, string op, BsonDocument fields)
    {
        if (fields.Count > 0)
        {
            update.Add(op, fields);
        }
    }

    private static long Count(BsonValue? value) => value switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        BsonDouble d => (long)d.Value,
        _ => 0,
    };

    private static long CursorId(BsonDocument? cursor) => cursor?["id"] switch
    {
        BsonInt64 l => l.Value,
        BsonInt32 i => i.Value,
        _ => 0,
    };
}
