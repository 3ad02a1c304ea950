using Microsoft.Extensions.Logging;

namespace MongoSessions.Internal;

/// <summary>
/// Removes expired sessions from a store at a fixed interval. Sweeps run one after another (never overlapping),
/// a failed sweep is logged and the next one still runs, and disposing waits for a running sweep to finish.
/// </summary>
internal sealed class ExpirySweeper : IAsyncDisposable
{
    private readonly ISessionStore _store;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ExpirySweeper(ISessionStore store, TimeSpan interval, TimeProvider clock, ILogger logger)
    {
        _store = store;
        _clock = clock;
        _logger = logger;
        _loop = RunAsync(interval, _stop.Token);
    }

    /// <summary>How many sweeps have completed, successful or not.</summary>
    public int CompletedSweeps { get; private set; }

    private async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                await SweepOnceAsync().ConfigureAwait(false);
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
            if (removed > 0)
            {
                _logger.LogDebug("Removed {Count} expired sessions", removed);
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Sweeping expired sessions failed; the next sweep will try again");
        }
        finally
        {
            CompletedSweeps++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
