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
}
