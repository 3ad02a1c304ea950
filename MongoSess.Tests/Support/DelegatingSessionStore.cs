namespace MongoSessions.Tests.Support;

/// <summary>A store that passes every call to another; test stores override the calls they watch or bend.</summary>
internal abstract class DelegatingSessionStore(ISessionStore inner) : ISessionStore
{
    public ISessionStore Inner => inner;

    public virtual ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => inner.LoadAsync(id, now, cancellationToken);

    public virtual ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken) => inner.UpdateAsync(update, cancellationToken);

    public virtual ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken) => inner.EndAsync(id, tokenHash, cancellationToken);

    public virtual ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.CountAsync(now, cancellationToken);

    public virtual IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ListAsync(now, cancellationToken);

    public virtual ValueTask ClearAsync(CancellationToken cancellationToken) => inner.ClearAsync(cancellationToken);

    public virtual ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.RemoveExpiredAsync(now, cancellationToken);

    public virtual ValueTask DisposeAsync() => inner.DisposeAsync();

    // what a store says of itself, and the calls with default implementations, go to the inner store too
    public virtual string Name => inner.Name;

    public bool RemovesExpiredSessions => inner.RemovesExpiredSessions;

    public virtual ValueTask InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public virtual ValueTask<long> EndWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken) => inner.EndWhereAsync(match, now, cancellationToken);

    public virtual IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) => inner.ListByUserAsync(userId, now, cancellationToken);

    public virtual ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.EndByUserAsync(userId, exceptId, now, cancellationToken);
}
