using System.Runtime.CompilerServices;
using MongoDB.Bson;

namespace MongoSessions.Benchmarks;

/// <summary>A store that answers every update at once with the same result: what is left is MongoSess's own cost.</summary>
internal sealed class FixedResultStore : ISessionStore
{
    private readonly SessionWriteResult _result = new(new SessionData(new BsonDocument().Add("views", new BsonInt64(1))), browserSessionCookie: false);

    // the token hash of the session the benchmark created, so that its cookie opens what this store loads
    private string? _tokenHash;

    public ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SessionRecord?>(new SessionRecord(id, new SessionData(), now, now.AddDays(1), tokenHash: _tokenHash));

    public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        if (update.CreateIfMissing)
        {
            _tokenHash = update.TokenHash;
        }
        return ValueTask.FromResult<SessionWriteResult?>(_result);
    }

    public ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    public async IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
