using System.Diagnostics;

namespace MongoSessions.Load;

/// <summary>
/// Drives <c>/healthz</c> and <c>/views</c> in turn, each with its own set of keep-alive connections, alternating in
/// short slices so that a drift in the machine's load affects both routes alike.
/// </summary>
internal sealed class LoadRun(ServerChild server, LoadOptions options)
{
    public RouteStats Health { get; } = new("/healthz");

    public RouteStats Views { get; } = new("/views");

    /// <summary>CPU used by this process (the generator, and the wire server when the stack has one) while measuring, in cores.</summary>
    public double GeneratorCores { get; private set; }

    /// <summary>CPU used by the server under load while measuring, in cores.</summary>
    public double ServerCores { get; private set; }

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
            var serverCpu = server.CpuTime;
            var wall = Stopwatch.StartNew();
            // one-second slices in the order healthz, views, views, healthz, ...: the load of a shared machine drifts,
            // and fine interleaving gives both routes the same share of it
            int slices = Math.Max(2, (int)Math.Round(options.Seconds));
            double slice = options.Seconds / slices;
            for (int i = 0; i < slices; i++)
            {
                var (first, firstStats, second, secondStats) = i % 2 == 0 ? (health, Health, views, Views) : (views, Views, health, Health);
                await PhaseAsync(first, slice, firstStats, cancellationToken);
                await PhaseAsync(second, slice, secondStats, cancellationToken);
            }
            self.Refresh();
            GeneratorCores = (self.TotalProcessorTime - selfCpu).TotalSeconds / wall.Elapsed.TotalSeconds;
            ServerCores = (server.CpuTime - serverCpu).TotalSeconds / wall.Elapsed.TotalSeconds;
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
        Enumerable.Range(0, options.Connections).Select(_ => new LoadWorker(server.Port, path, checkCounter)).ToList();

    private async Task PhaseAsync(List<LoadWorker> workers, double seconds, RouteStats? stats, CancellationToken cancellationToken)
    {
        if (seconds <= 0)
        {
            return;
        }
        foreach (var worker in workers)
        {
            worker.ResetCounts();
            // fresh connections: HttpListener drops keep-alive connections that sat idle while the other route ran
            worker.Reconnect();
        }
        var self = Process.GetCurrentProcess();
        var selfCpu = self.TotalProcessorTime;
        var serverCpu = server.CpuTime;
        long stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(() => worker.RunAsync(stopAt, cancellationToken), cancellationToken)));
        elapsed.Stop();
        if (stats is null)
        {
            return;
        }
        self.Refresh();
        stats.AddElapsed(elapsed.Elapsed, server.CpuTime - serverCpu, self.TotalProcessorTime - selfCpu);
        foreach (var worker in workers)
        {
            stats.Add(worker);
        }
    }
}
