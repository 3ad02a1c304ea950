using System.Collections.Concurrent;
using MongoSessions.Diagnostics;
using MongoSessions.Mongo.Connections;

namespace MongoSessions.Mongo.Pooling;

/// <summary>
/// The connections to one server. At most <see cref="PoolSettings.MaxPoolSize"/> are in use at once (a semaphore
/// holds the slots); idle ones are reused newest first and closed after <see cref="PoolSettings.MaxIdleTime"/>.
/// A connection that failed, or belongs to a generation before the last <see cref="Clear"/>, is closed on return,
/// never reused.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly PoolSettings _settings;
    private readonly Func<int, CancellationToken, Task<MongoConnection>> _open;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentStack<MongoConnection> _idle = new();
    private int _generation;
    private int _inUse;
    private int _maintaining;
    private volatile bool _closed;

    // open: opens (and authenticates) a new connection for a pool generation
    public ConnectionPool(MongoEndPoint endPoint, PoolSettings settings, Func<int, CancellationToken, Task<MongoConnection>> open)
    {
        EndPoint = endPoint;
        _settings = settings;
        _open = open;
        _slots = new SemaphoreSlim(settings.MaxPoolSize, settings.MaxPoolSize);
        MongoMetrics.Track(this);
    }

    public MongoEndPoint EndPoint { get; }

    public int Generation => Volatile.Read(ref _generation);

    public int InUseCount => Volatile.Read(ref _inUse);

    public int IdleCount => _idle.Count;

    /// <exception cref="MongoSessConnectionException">No connection became free within the wait queue timeout, or a new one could not be opened.</exception>
    public async Task<MongoConnection> CheckOutAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        long waitStarted = MongoMetrics.StartWait();
        if (!await _slots.WaitAsync(_settings.WaitQueueTimeout, cancellationToken).ConfigureAwait(false))
        {
            MongoMetrics.RecordWait(EndPoint, waitStarted);
            throw new MongoSessConnectionException(
                $"Timed out after {_settings.WaitQueueTimeout.TotalMilliseconds:0} ms waiting for a connection to {EndPoint}: all {_settings.MaxPoolSize} (maxPoolSize) are in use.")
            {
                IsWaitQueueTimeout = true,
            };
        }
        try
        {
            while (_idle.TryPop(out var idle))
            {
                if (IsUsable(idle))
                {
                    Interlocked.Increment(ref _inUse);
                    MongoMetrics.RecordWait(EndPoint, waitStarted);
                    return idle;
                }
                await idle.DisposeAsync().ConfigureAwait(false);
            }
            var connection = await _open(Generation, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _inUse);
            MongoMetrics.RecordWait(EndPoint, waitStarted);
            return connection;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void CheckIn(MongoConnection connection)
    {
        Interlocked.Decrement(ref _inUse);
        if (!_closed && IsUsable(connection))
        {
            _idle.Push(connection);
        }
        else
        {
            _ = connection.DisposeAsync().AsTask();
        }
        _slots.Release();
    }

    /// <summary>Makes every existing connection stale (after a network error or a "node is shutting down" error).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        CloseIdle(all: true);
    }

    /// <summary>Starts <see cref="MaintainAsync"/> in the background unless it is already running; its failures are left to the next operation to report.</summary>
    public void MaintainInBackground()
    {
        if (_closed || Interlocked.Exchange(ref _maintaining, 1) == 1)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await MaintainAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MongoSessException or ObjectDisposedException)
            {
                // the server is unreachable or refuses us: the next checkout will say so to the caller
            }
            finally
            {
                Volatile.Write(ref _maintaining, 0);
            }
        });
    }

    /// <summary>Closes idle connections past their idle time and opens connections up to the minimum size.</summary>
    public async Task MaintainAsync(CancellationToken cancellationToken)
    {
        CloseIdle(all: false);
        while (!_closed && _idle.Count + InUseCount < _settings.MinPoolSize && await _slots.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var connection = await _open(Generation, cancellationToken).ConfigureAwait(false);
                _idle.Push(connection);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    private bool IsUsable(MongoConnection connection) =>
        !connection.IsBroken
        && connection.Generation == Generation
        && (_settings.MaxIdleTime == Timeout.InfiniteTimeSpan || Environment.TickCount64 - connection.LastUsedTicks < _settings.MaxIdleTime.TotalMilliseconds);

    private void CloseIdle(bool all)
    {
        int count = _idle.Count;
        for (int i = 0; i < count && _idle.TryPop(out var connection); i++)
        {
            if (!all && IsUsable(connection))
            {
                _idle.Push(connection);
                continue;
            }
            _ = connection.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        MongoMetrics.Untrack(this);
        while (_idle.TryPop(out var connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
