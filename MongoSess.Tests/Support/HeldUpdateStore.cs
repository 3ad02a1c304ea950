namespace MongoSessions.Tests.Support;

/// <summary>
/// Holds one store update on a gate: once armed, the next <see cref="ISessionStore.UpdateAsync"/> signals
/// <see cref="Arrived"/> and waits for <see cref="Release"/> before it reaches the store. Everything else, later updates
/// included, passes straight through, so a test can run other requests while one write is in flight, every time.
/// </summary>
internal sealed class HeldUpdateStore(ISessionStore inner) : DelegatingSessionStore(inner)
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed;

    /// <summary>Completes when the held update has arrived at the gate.</summary>
    public Task Arrived => _arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>Holds the next update.</summary>
    public void Arm() => Volatile.Write(ref _armed, 1);

    /// <summary>Lets the held update through.</summary>
    public void Release() => _released.TrySetResult();

    public override async ValueTask<SessionWriteResult?> UpdateAsync(SessionUpdate update, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _arrived.TrySetResult();
            // bounded, so a test that forgets to release fails instead of hanging
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        return await Inner.UpdateAsync(update, cancellationToken);
    }
}
