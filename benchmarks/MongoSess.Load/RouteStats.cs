namespace MongoSessions.Load;

/// <summary>What one route's measured phases added up to.</summary>
internal sealed class RouteStats(string route)
{
    private readonly List<long> _latencyTicks = [];

    public string Route { get; } = route;

    public long Requests { get; private set; }

    public long Errors { get; private set; }

    /// <summary>Counter violations over the whole run, warm-up included.</summary>
    public long CounterViolations { get; set; }

    public TimeSpan Elapsed { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>Reconnections after HttpListener's "Connection: close" over the whole run.</summary>
    public long Reconnects { get; set; }

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    public void Add(LoadWorker worker)
    {
        Requests += worker.Requests;
        Errors += worker.Errors;
        FirstError ??= worker.FirstError;
        _latencyTicks.AddRange(worker.LatencyTicks);
    }

    /// <summary>CPU the server used while this route was measured.</summary>
    public TimeSpan ServerCpu { get; private set; }

    /// <summary>CPU this process (generator, and wire server with --store mongodb) used while this route was measured.</summary>
    public TimeSpan GeneratorCpu { get; private set; }

    public double ServerMicrosecondsPerRequest => Requests > 0 ? ServerCpu.TotalMicroseconds / Requests : 0;

    public double GeneratorMicrosecondsPerRequest => Requests > 0 ? GeneratorCpu.TotalMicroseconds / Requests : 0;

    public void AddElapsed(TimeSpan elapsed, TimeSpan serverCpu, TimeSpan generatorCpu)
    {
        Elapsed += elapsed;
        ServerCpu += serverCpu;
        GeneratorCpu += generatorCpu;
    }

    /// <summary>The latency at or below which <paramref name="fraction"/> of requests finished, in milliseconds.</summary>
    public double PercentileMilliseconds(double fraction)
    {
        if (_latencyTicks.Count == 0)
        {
            return 0;
        }
        _latencyTicks.Sort();
        int index = (int)Math.Ceiling(fraction * _latencyTicks.Count) - 1;
        return _latencyTicks[Math.Clamp(index, 0, _latencyTicks.Count - 1)] * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
