using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoSessions;

/// <summary>
/// Sessions in a MongoDB collection through the official driver, one document each:
/// <c>{ _id, tokenHash, data, createdAt, expiresAt }</c>, found by <c>_id</c> (the session key), written only while
/// <c>tokenHash</c> is the hash of the token the request presents. Every operation is one command on the primary: load = <c>find</c>,
/// create = <c>insert</c>, a write = <c>findAndModify</c> with <c>$set</c>/<c>$unset</c>/<c>$inc</c>/<c>$push</c> on
/// the paths it touches, end = <c>delete</c>. Expired documents are filtered out on every read, because the TTL
/// monitor only runs once a minute.
/// </summary>
/// <remarks>
/// Pass the application's own database to share its <see cref="MongoClient"/>, settings and pool:
/// <c>await MongoSess.ConnectAsync(new MongoSessionStore(client.GetDatabase("app")))</c>. The store never disposes a
/// client it did not create. Driver errors surface as <see cref="MongoSessException"/> subtypes.
/// </remarks>
public sealed class MongoSessionStore : ISessionStore
{
    // server errors that mean "this update does not fit the stored data": the store contract's InvalidOperationException
    private static readonly HashSet<int> s_updateConflicts = [2, 14, 28, 40, 10334, 17419];
    private static readonly FindOptions<BsonDocument> s_loadOne = new() { Limit = -1 };
    private static readonly FindOptions<BsonDocument> s_list = new() { BatchSize = 100 };

    private readonly IMongoCollection<BsonDocument> _collection;
    private MongoClient? _ownedClient;
    private readonly bool _createIndexes;
    private readonly bool _ttlIndexes;
    private readonly ILogger _logger;

    /// <summary>Creates a store on a database of the application's own client. Does no I/O.</summary>
    /// <param name="database">The database, e.g. <c>client.GetDatabase("app")</c>; its read and write concerns apply.</param>
    /// <param name="options">The collection name and whether to create the TTL indexes; defaults when null.</param>
    public MongoSessionStore(IMongoDatabase database, MongoSessionStoreOptions? options = null)
        : this(database, options ?? new MongoSessionStoreOptions(), ownedClient: null, NullLogger.Instance)
    {
    }

    internal MongoSessionStore(IMongoDatabase database, MongoSessionStoreOptions options, MongoClient? ownedClient, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        MongoNames.CheckCollection(options.CollectionName);
        _collection = database.GetCollection<BsonDocument>(options.CollectionName);
        _createIndexes = options.CreateIndexes;
        _ttlIndexes = options.TtlIndexes;
        _ownedClient = ownedClient;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "mongodb";

    /// <summary>True: the TTL indexes on <c>expiresAt</c> and <c>absoluteExpiresAt</c> remove expired sessions.</summary>
    public bool RemovesExpiredSessions => true;

    /// <summary>The collection the sessions are in.</summary>
    public IMongoCollection<BsonDocument> Collection => _collection;

    /// <summary>Creates the TTL indexes when <see cref="MongoSessionStoreOptions.CreateIndexes"/> is on (idempotent).</summary>
    /// <exception cref="MongoSessCommandException">The server refused, e.g. because the user may not create indexes.</exception>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        if (!_createIndexes)
        {
            return;
        }
        // two TTL indexes: the idle expiry, and the absolute one (documents without that field are left alone); and the
        // user index that lists or ends one user's sessions without reading anyone else's
        var userIndex = new CreateIndexModel<BsonDocument>(new BsonDocument("userId", 1), new CreateIndexOptions { Name = "userId_1", Sparse = true });
        var indexes = _ttlIndexes ? new[] { TtlIndex("expiresAt"), TtlIndex("absoluteExpiresAt"), userIndex } : [userIndex];
        try
        {
            await _collection.Indexes.CreateManyAsync(indexes, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("TTL indexes on {Collection} are in place", _collection.CollectionNamespace);
        }
        catch (MongoCommandException e)
        {
            var hint = e.Code == 13 ? "the database user may not create indexes" : "the server refused";
            throw new MongoSessCommandException(e.Code, e.CodeName,
                $"Could not create the TTL indexes on {_collection.CollectionNamespace} ({hint}: {e.ErrorMessage}). Create them by hand with " +
                $"db.{_collection.CollectionNamespace.CollectionName}.createIndex({{ expiresAt: 1 }}, {{ expireAfterSeconds: 0 }}) and " +
                $"db.{_collection.CollectionNamespace.CollectionName}.createIndex({{ absoluteExpiresAt: 1 }}, {{ expireAfterSeconds: 0 }}) and " +
                $"db.{_collection.CollectionNamespace.CollectionName}.createIndex({{ userId: 1 }}, {{ sparse: true }}), " +
                "then connect with MongoSessOptions.CreateIndexes (or MongoSessionStoreOptions.CreateIndexes) set to false.", e);
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e))
        {
            throw MongoErrors.Translate(e, _collection.Database.Client);
        }
    }

    private static CreateIndexModel<BsonDocument> TtlIndex(string field) =>
        new(new BsonDocument(field, 1), new CreateIndexOptions { Name = field + "_1", ExpireAfter = TimeSpan.Zero });

    /// <inheritdoc/>
    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            using var cursor = await _collection.FindAsync(MongoFilters.Live(id, now), s_loadOne, cancellationToken).ConfigureAwait(false);
            var document = await cursor.FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return document is null ? null : Read(document);
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e))
        {
            throw MongoErrors.Translate(e, _collection.Database.Client);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        try
        {
            return update.CreateIfMissing
                ? await InsertAsync(update, cancellationToken).ConfigureAwait(false)
                : await ModifyAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (s_updateConflicts.Contains(e.Code))
        {
            throw new InvalidOperationException($"The session update does not fit the stored session: {e.ErrorMessage}", e);
        }
        catch (MongoWriteException e) when (e.WriteError is { } error && s_updateConflicts.Contains(error.Code))
        {
            throw new InvalidOperationException($"The session update does not fit the stored session: {error.Message}", e);
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e))
        {
            throw MongoErrors.Translate(e, _collection.Database.Client);
        }
    }

    private async Task<SessionWriteResult?> ModifyAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        var modification = MongoSessionModification.For(update);
        if (modification.Changes.ElementCount == 0)
        {
            // nothing to change: only report whether the session is alive
            return ResultOf(await LoadAsync(update.Id, update.Now, cancellationToken).ConfigureAwait(false), update);
        }
        var options = new FindOneAndUpdateOptions<BsonDocument>
        {
            Projection = modification.Projection,
            ReturnDocument = modification.ReturnsOldDocument ? ReturnDocument.Before : ReturnDocument.After,
        };
        var value = await _collection.FindOneAndUpdateAsync<BsonDocument>(modification.Filter, modification.Changes, options, cancellationToken).ConfigureAwait(false);
        if (value is not null)
        {
            return modification.ResultFrom(value, update);
        }
        // no live session without a token: either it has one already (another request made it first) or it is gone
        return modification.AddsMissingToken ? ResultOf(await LoadAsync(update.Id, update.Now, cancellationToken).ConfigureAwait(false), update) : null;
    }

    // the result of an update that changed nothing, from the session as read: its expiry did not move either
    private static SessionWriteResult? ResultOf(SessionRecord? record, SessionUpdate update) =>
        record is null || !record.IsOpenedBy(update) ? null : new SessionWriteResult(new SessionData(), record.BrowserSessionCookie, record.AbsoluteExpiresAt)
        {
            CsrfToken = record.CsrfToken,
            IdleTimeout = record.IdleTimeout,
            ExpiresAt = record.ExpiresAt,
        };

    private async Task<SessionWriteResult?> InsertAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        var record = SessionRecord.CreateFrom(update, out var result);
        var document = record.ToDocument();
        MongoSessionModification.EnsureFits(update, document);
        if (await TryInsertAsync(document, cancellationToken).ConfigureAwait(false))
        {
            return result;
        }
        // an expired session with the same key still waits for the TTL monitor: it is gone for every reader, so
        // replace it; a live one is never replaced
        var expired = MongoFilters.Expired(update.Now).Add("_id", update.Id);
        await _collection.DeleteOneAsync(expired, cancellationToken).ConfigureAwait(false);
        return await TryInsertAsync(document, cancellationToken).ConfigureAwait(false) ? result : null;
    }

    private async Task<bool> TryInsertAsync(BsonDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await _collection.InsertOneAsync(document, options: null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("_id", id);
        if (tokenHash is not null)
        {
            filter.Add("tokenHash", tokenHash);
        }
        var deleted = await Run(() => _collection.DeleteOneAsync(filter, cancellationToken)).ConfigureAwait(false);
        return deleted.DeletedCount > 0;
    }

    /// <inheritdoc/>
    public async ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await Run(() => _collection.CountDocumentsAsync(MongoFilters.Live(now), options: null, cancellationToken)).ConfigureAwait(false);

    /// <inheritdoc/>
    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // disposing the cursor early (a caller that stops) frees the server's cursor with killCursors
        using var cursor = await Run(() => _collection.FindAsync(MongoFilters.Live(now), s_list, cancellationToken)).ConfigureAwait(false);
        while (await Run(() => cursor.MoveNextAsync(cancellationToken)).ConfigureAwait(false))
        {
            foreach (var document in cursor.Current)
            {
                if (Read(document) is { } record)
                {
                    yield return record;
                }
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask ClearAsync(CancellationToken cancellationToken) =>
        await Run(() => _collection.DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken)).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask<long> EndWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = MongoFilters.Live(now).Add("data." + match.Path, match.Value);
        var deleted = await Run(() => _collection.DeleteManyAsync(filter, cancellationToken)).ConfigureAwait(false);
        return deleted.DeletedCount;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = MongoFilters.Live(now).Add("userId", userId);
        using var cursor = await Run(() => _collection.FindAsync(filter, s_list, cancellationToken)).ConfigureAwait(false);
        while (await Run(() => cursor.MoveNextAsync(cancellationToken)).ConfigureAwait(false))
        {
            foreach (var document in cursor.Current)
            {
                if (Read(document) is { } record)
                {
                    yield return record;
                }
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument("userId", userId);
        if (exceptId is not null)
        {
            filter.Add("_id", new BsonDocument("$ne", exceptId));
        }
        var deleted = await Run(() => _collection.DeleteManyAsync(filter, cancellationToken)).ConfigureAwait(false);
        return deleted.DeletedCount;
    }

    /// <inheritdoc/>
    public async ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = await Run(() => _collection.DeleteManyAsync(MongoFilters.Expired(now), cancellationToken)).ConfigureAwait(false);
        return deleted.DeletedCount;
    }

    /// <summary>Disposes the client when MongoSess created it from a connection string; a client passed in is left alone.</summary>
    public ValueTask DisposeAsync()
    {
        // once: MongoSess may dispose a store twice when a connect fails half way
        if (Interlocked.Exchange(ref _ownedClient, null) is { } client)
        {
            CloseOwned(client);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes a client MongoSess created: its monitors stop and its connections close.</summary>
    internal static void CloseOwned(MongoClient client)
    {
        // disposing a MongoClient leaves its cluster running (the driver caches clusters by settings); a client
        // MongoSess creates has a cluster of its own (see MongoClientFactory.Configure), so closing it touches no other
        var cluster = client.Cluster;
        client.Dispose();
        ClusterRegistry.Instance.UnregisterAndDisposeCluster(cluster);
    }

    private async Task<T> Run<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (MongoErrors.IsDriverError(e))
        {
            throw MongoErrors.Translate(e, _collection.Database.Client);
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
            _logger.LogWarning("A document in {Collection} is not a session record ({Reason}); it is ignored", _collection.CollectionNamespace, e.Message);
            return null;
        }
    }
}
