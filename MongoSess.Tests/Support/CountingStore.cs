using System.Collections.Concurrent;

namespace MongoSessions.Tests.Support;

/// <summary>Wraps a store and counts the calls made to it, to prove how many round trips a request costs.</summary>
// versioned: in tests its inner store is always a built-in one, so encryption at rest can run over it too
internal sealed class CountingStore(ISessionStore inner) : DelegatingSessionStore(inner)
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    public int Calls(string method) => _calls.GetValueOrDefault(method);

    public int TotalCalls => _calls.Values.Sum();

    public void Reset() => _calls.Clear();

    private void Count(string method) => _calls.AddOrUpdate(method, 1, (_, n) => n + 1);

    public override ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(LoadAsync));
        return base.LoadAsync(id, now, cancellationToken);
    }

    public override ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        Count(nameof(UpdateAsync));
        return base.UpdateAsync(update, cancellationToken);
    }

    public override ValueTask<bool> EndAsync(string id, string? tokenHash, CancellationToken cancellationToken)
    {
        Count(nameof(EndAsync));
        return base.EndAsync(id, tokenHash, cancellationToken);
    }

    public override ValueTask<long> CountAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(CountAsync));
        return base.CountAsync(now, cancellationToken);
    }

    public override IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(ListAsync));
        return base.ListAsync(now, cancellationToken);
    }

    public override ValueTask ClearAsync(CancellationToken cancellationToken)
    {
        Count(nameof(ClearAsync));
        return base.ClearAsync(cancellationToken);
    }

    public override ValueTask<long> RemoveExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Count(nameof(RemoveExpiredAsync));
        return base.RemoveExpiredAsync(now, cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        Count(nameof(DisposeAsync));
        return base.DisposeAsync();
    }
}
