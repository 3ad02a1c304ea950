using System.Collections.Concurrent;

namespace MongoSessions.Tests.Support;

/// <summary>Wraps a store and counts the calls made to it, to prove how many round trips a request costs.</summary>
internal sealed class CountingStore(ISessionStore inner) : ISessionStore
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public ISessionStore Inner => inner;

    public int Calls(string method) => _calls.GetValueOrDefault(method);

    public int TotalCalls => _calls.Values.Sum();

    public void Reset() => _calls.Clear();

    private void Count(string method) => _calls.AddOrUpdate(method, 1, (_, n) => n + 1);

    public ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(LoadAsync));
        return inner.LoadAsync(id, now, cancellationToken);
    }

    public ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        Count(nameof(UpdateAsync));
        return inner.UpdateAsync(update, cancellationToken);
    }

    public ValueTask<bool> DestroyAsync(string id, CancellationToken cancellationToken)
    {
        Count(nameof(DestroyAsync));
        return inner.DestroyAsync(id, cancellationToken);
    }

    public ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(CountAsync));
        return inner.CountAsync(now, cancellationToken);
    }

    public IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(ListAsync));
        return inner.ListAsync(now, cancellationToken);
    }

    public ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        Count(nameof(ClearAsync));
        return inner.ClearAsync(cancellationToken);
    }

    public ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(RemoveExpiredAsync));
        return inner.RemoveExpiredAsync(now, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
