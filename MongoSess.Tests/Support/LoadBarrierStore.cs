namespace MongoSessions.Tests.Support;

/// <summary>
/// Holds each load until <c>parties</c> loads have arrived (or a timeout passes), so that concurrent requests really
/// all read before any of them writes: what a busy server does by chance, made certain.
/// </summary>
internal sealed class LoadBarrierStore(ISessionStore inner, int parties) : ISessionStore
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await inner.LoadAsync(id, now, cancellationToken);
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _allArrived.TrySetResult();
        }
        await Task.WhenAny(_allArrived.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        return record;
    }

    public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken) => inner.UpdateAsync(update, cancellationToken);

    public ValueTask<bool> DestroyAsync(string id, CancellationToken cancellationToken) => inner.DestroyAsync(id, cancellationToken);

    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.CountAsync(now, cancellationToken);

    public IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ListAsync(now, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken) => inner.ClearAsync(cancellationToken);

    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.RemoveExpiredAsync(now, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
