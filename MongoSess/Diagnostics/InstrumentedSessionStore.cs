using System.Runtime.CompilerServices;

namespace MongoSessions.Diagnostics;

/// <summary>
/// Wraps the connected store so every operation is timed and traced (see <see cref="StoreOperationScope"/>), whatever
/// the store. When nobody listens it calls the store directly: no timing, no allocation, no state machine.
/// </summary>
internal sealed class InstrumentedSessionStore : ISessionStore
{
    private readonly ISessionStore _inner;
    private readonly string _name;

    public InstrumentedSessionStore(ISessionStore inner)
    {
        _inner = inner;
        // the store tag: memory, file, mongodb, or what a custom store calls itself
        _name = inner.Name;
    }

    public ISessionStore Inner => _inner;

    public string Name => _name;

    public bool RemovesExpiredSessions => _inner.RemovesExpiredSessions;

    // static lambdas with explicit state: a capturing lambda would allocate its closure on every call, observed or not
    public ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.Load, id, (id, now), static (store, s, ct) => store.LoadAsync(s.id, s.now, ct), cancellationToken)
            : _inner.LoadAsync(id, now, cancellationToken);

    public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.Update, update.Id, update, static (store, u, ct) => store.UpdateAsync(u, ct), cancellationToken)
            : _inner.UpdateAsync(update, cancellationToken);

    public ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.End, id, (id, tokenHash), static (store, s, ct) => store.EndAsync(s.id, s.tokenHash, ct), cancellationToken)
            : _inner.EndAsync(id, tokenHash, cancellationToken);

    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.Count, null, now, static (store, n, ct) => store.CountAsync(n, ct), cancellationToken)
            : _inner.CountAsync(now, cancellationToken);

    public IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved ? ListObservedAsync(now, cancellationToken) : _inner.ListAsync(now, cancellationToken);

    public ValueTask ClearAsync(CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved ? ClearObservedAsync(cancellationToken) : _inner.ClearAsync(cancellationToken);

    public ValueTask<long> EndWhereAsync(SessionMatch match, DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.EndWhere, null, (match, now), static (store, s, ct) => store.EndWhereAsync(s.match, s.now, ct), cancellationToken)
            : _inner.EndWhereAsync(match, now, cancellationToken);

    // listing a user's sessions (a "where you're signed in" page) passes through untimed, as a small read
    public IAsyncEnumerable<SessionRecord> ListByUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _inner.ListByUserAsync(userId, now, cancellationToken);

    public ValueTask<long> EndByUserAsync(string userId, string? exceptId, DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.EndByUser, null, (userId, exceptId, now), static (store, s, ct) => store.EndByUserAsync(s.userId, s.exceptId, s.now, ct), cancellationToken)
            : _inner.EndByUserAsync(userId, exceptId, now, cancellationToken);

    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        StoreOperationScope.IsObserved
            ? ObserveAsync(StoreOperationName.RemoveExpired, null, now, static (store, n, ct) => store.RemoveExpiredAsync(n, ct), cancellationToken)
            : _inner.RemoveExpiredAsync(now, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    private async ValueTask<T> ObserveAsync<TState, T>(
        StoreOperationName operation, string? sessionId, TState state, Func<ISessionStore, TState, CancellationToken, ValueTask<T>> run, CancellationToken cancellationToken)
    {
        var scope = StoreOperationScope.Start(_name, operation, sessionId);
        T result;
        try
        {
            result = await run(_inner, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            scope.Complete(e);
            throw;
        }
        scope.Complete();
        return result;
    }

    private async ValueTask ClearObservedAsync(CancellationToken cancellationToken)
    {
        var scope = StoreOperationScope.Start(_name, StoreOperationName.Clear, null);
        try
        {
            await _inner.ClearAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            scope.Complete(e);
            throw;
        }
        scope.Complete();
    }

    // the operation spans the whole enumeration, from the first MoveNext to the dispose (an early break included)
    private async IAsyncEnumerable<SessionRecord> ListObservedAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scope = StoreOperationScope.Start(_name, StoreOperationName.List, null);
        Exception? error = null;
        IAsyncEnumerator<SessionRecord>? records = null;
        try
        {
            while (true)
            {
                try
                {
                    records ??= _inner.ListAsync(now, cancellationToken).GetAsyncEnumerator(cancellationToken);
                    if (!await records.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception e)
                {
                    error = e;
                    throw;
                }
                yield return records.Current;
            }
        }
        finally
        {
            if (records is not null)
            {
                await records.DisposeAsync().ConfigureAwait(false);
            }
            scope.Complete(error);
        }
    }
}
