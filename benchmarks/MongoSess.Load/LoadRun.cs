using System.Diagnostics;

namespace MongoSessions.Load;

/// <summary>
/// Drives <c>/healthz</c> and <c>/views</c> in turn, each with its own set of keep-alive connections, in the order
/// healthz, views, views, healthz, so that a drift in the machine's load affects both routes alike.
/// </summary>
internal sealed class LoadRun(DemoChild demo, LoadOptions options)
{
    public RouteStats Health { get; } = new("/healthz");

    public RouteStats Views { get; } = new("/views");

    /// <summary>CPU used by this process (the generator, and the wire server with --store mongodb) while measuring, in cores.</summary>
    public double GeneratorCores { get; private set; }

    /// <summary>CPU used by the demo server while measuring, in cores.</summary>
    public double DemoCores { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var health = Workers("/healthz", checkCounter: false);
        var views = Workers("/views", checkCounter: true);
        try
        {
            // warm-up: JIT, connections, sessions; not counted, except that a counter must still rise by one
            await PhaseAsync(health, options.WarmupSeconds, stats: null, cancellationToken);
            await PhaseAsync(views, options.WarmupSeconds, stats: null, cancellationToken);
            var self = Process.GetCurrentProcess();
            var selfCpu = self.TotalProcessorTime;
            var demoCpu = demo.CpuTime;
            var wall = Stopwatch.StartNew();
            double half = options.Seconds / 2;
            await PhaseAsync(health, half, Health, cancellationToken);
            await PhaseAsync(views, half, Views, cancellationToken);
            await PhaseAsync(views, half, Views, cancellationToken);
            await PhaseAsync(health, half, Health, cancellationToken);
            self.Refresh();
            GeneratorCores = (self.TotalProcessorTime - selfCpu).TotalSeconds / wall.Elapsed.TotalSeconds;
            DemoCores = (demo.CpuTime - demoCpu).TotalSeconds / wall.Elapsed.TotalSeconds;
            Views.CounterViolations = views.Sum(worker => worker.TotalCounterViolations);
            Health.Reconnects = health.Sum(worker => worker.Reconnects);
            Views.Reconnects = views.Sum(worker => worker.Reconnects);
        }
        finally
        {
            foreach (var worker in health.Concat(views))
            {
                worker.Dispose();
            }
        }
    }

    private List<LoadWorker> Workers(string path, bool checkCounter) =>
        Enumerable.Range(0, options.Connections).Select(_ => new LoadWorker(demo.Port, path, checkCounter)).ToList();

    private static async Task PhaseAsync(List<LoadWorker> workers, double seconds, RouteStats? stats, CancellationToken cancellationToken)
    {
        if (seconds <= 0)
        {
            return;
        }
        foreach (var worker in workers)
        {
            worker.ResetCounts();
        }
        long stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(() => worker.RunAsync(stopAt, cancellationToken), cancellationToken)));
        elapsed.Stop();
        if (stats is null)
        {
            return;
        }
        stats.AddElapsed(elapsed.Elapsed);
        foreach (var worker in workers)
        {
            stats.Add(worker);
        }
    }
}
