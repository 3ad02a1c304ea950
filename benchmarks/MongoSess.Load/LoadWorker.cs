using System.Diagnostics;
using System.Net.Sockets;

namespace MongoSessions.Load;

/// <summary>
/// One connection's request loop. On <c>/views</c> each worker is one browser with its own session: its counter must
/// read 1 on the first request and exactly one more on every request after that.
/// </summary>
internal sealed class LoadWorker(int port, string path, bool checkCounter) : IDisposable
{
    private readonly RawHttpConnection _connection = new(port);
    private long _lastCount;

    public long Requests { get; private set; }

    public long Errors { get; private set; }

    /// <summary>What the first error was, to print when there were errors.</summary>
    public string? FirstError { get; private set; }

    public long CounterViolations { get; private set; }

    public long Reconnects => _connection.Reconnects;

    /// <summary>Counter violations over the whole run, warm-up included.</summary>
    public long TotalCounterViolations { get; private set; }

    public List<long> LatencyTicks { get; } = new(1 << 16);

    /// <summary>Clears the counts (not the session) before a measured phase.</summary>
    public void ResetCounts()
    {
        Requests = 0;
        Errors = 0;
        CounterViolations = 0;
        LatencyTicks.Clear();
    }

    /// <summary>Closes the connection; the next request opens a new one, with the same session cookie.</summary>
    public void Reconnect() => _connection.Reset();

    public async Task RunAsync(long stopAtTimestamp, CancellationToken cancellationToken)
    {
        while (Stopwatch.GetTimestamp() < stopAtTimestamp && !cancellationToken.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                var (status, number) = await _connection.GetAsync(path, cancellationToken);
                LatencyTicks.Add(Stopwatch.GetTimestamp() - start);
                Requests++;
                if (status != 200)
                {
                    Errors++;
                    FirstError ??= $"HTTP status {status}";
                }
                else if (checkCounter)
                {
                    if (number != _lastCount + 1)
                    {
                        CounterViolations++;
                        TotalCounterViolations++;
                    }
                    _lastCount = number;
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                Requests++;
                Errors++;
                FirstError ??= $"{e.GetType().Name}: {e.Message}";
                _connection.Reset();
            }
        }
    }

    public void Dispose() => _connection.Dispose();
}
