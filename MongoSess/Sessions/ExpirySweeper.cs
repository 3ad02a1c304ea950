using Microsoft.Extensions.Logging;

namespace MongoSessions.Sessions;

/// <summary>
/// Removes expired sessions from a store, at a fixed interval or when <see cref="TryStart"/> asks (the lottery).
/// Sweeps never overlap, a failed sweep is logged and the next one still runs, a started sweep always completes, and
/// disposing waits for a running sweep and starts no new one.
/// </summary>
internal sealed class ExpirySweeper : IAsyncDisposable
{
    private readonly ISessionStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _lock = new();
    private Task _current = Task.CompletedTask;
    private int _completed;

    // interval: null for sweeps on request only
    public ExpirySweeper(ISessionStore store, TimeSpan? interval, TimeProvider clock, ILogger logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _loop = interval is { } every ? RunAsync(every, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>How many sweeps have completed, successful or not.</summary>
    public int CompletedSweeps => Volatile.Read(ref _completed);

    /// <summary>Starts a sweep in the background unless one is running or the sweeper is stopped.</summary>
    /// <returns>The sweep started, or null.</returns>
    public Task? TryStart()
    {
        lock (_lock)
        {
            if (_stop.IsCancellationRequested || !_current.IsCompleted)
            {
                return null;
            }
            _current = Task.Run(SweepOnceAsync);
            return _current;
        }
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                // a tick while a lottery sweep runs waits for it rather than overlapping
                Task running;
                lock (_lock)
                {
                    running = _current;
                }
                await running.ConfigureAwait(false);
                await (TryStart() ?? Task.CompletedTask).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SweepOnceAsync()
    {
        try
        {
            // not cancelled by Close: a sweep that started finishes, so it never leaves a half-done pass behind
            long removed = await _store.RemoveExpiredAsync(_clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            _logger.LogDebug("Swept {Count} expired sessions", removed);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Sweeping expired sessions failed; the next sweep will try again");
        }
        finally
        {
            Interlocked.Increment(ref _completed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task running;
        lock (_lock)
        {
            _stop.Cancel();
            running = _current;
        }
        await _loop.ConfigureAwait(false);
        await running.ConfigureAwait(false);
        _stop.Dispose();
    }
}
