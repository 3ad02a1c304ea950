using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Support;

/// <summary>
/// A memory store under a type name no other test uses, so its <c>store</c> tag picks out this suite's measurements.
/// It can fail its next update, and hand out a given enumerable from <see cref="ListAsync"/>.
/// </summary>
internal sealed class ProbeStore() : DelegatingSessionStore(new MemorySessionStore())
{
    public Exception? FailNextUpdate { get; set; }

    // its own name in the store tag, unlike decorators that pass their inner store's on
    public override string Name => nameof(ProbeStore);

    public IAsyncEnumerable<SessionRecord>? ListOverride { get; set; }

    public override ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        if (FailNextUpdate is { } error)
        {
            FailNextUpdate = null;
            return ValueTask.FromException<SessionWriteResult?>(error);
        }
        return base.UpdateAsync(update, cancellationToken);
    }

    public override IAsyncEnumerable<SessionRecord> ListAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        ListOverride ?? base.ListAsync(now, cancellationToken);
}
