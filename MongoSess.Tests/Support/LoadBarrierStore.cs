namespace MongoSessions.Tests.Support;

/// <summary>
/// Holds each load until <c>parties</c> loads have arrived (or a timeout passes), so that concurrent requests really
/// all read before any of them writes: what a busy server does by chance, made certain.
/// </summary>
internal sealed class LoadBarrierStore(ISessionStore inner, int parties) : DelegatingSessionStore(inner)
{
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public override async ValueTask<SessionRecord?> LoadAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = await Inner.LoadAsync(id, now, cancellationToken);
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _allArrived.TrySetResult();
        }
        await Task.WhenAny(_allArrived.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        return record;
    }
}
