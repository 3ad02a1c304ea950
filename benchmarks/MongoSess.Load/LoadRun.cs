using System.Diagnostics;

namespace MongoSessions.Load;

/// <summary>
/// Drives <c>/healthz</c> and <c>/views</c> in turn, each with its own set of keep-alive connections, alternating in
/// short slices so that a drift in the machine's load affects both routes alike.
/// </summary>
internal sealed class LoadRun(ServerChild server, LoadOptions options)
{
    private readonly ServerChild _server = server;
    private readonly LoadOptions _options = options;

    public RouteStats Health { get; } = new("/healthz");

    public RouteStats Views { get; } = new("/views");

    /// <summary>The warm-up, not counted in the figures: what the routes served while the JIT was still tiering up.</summary>
    public RouteStats WarmHealth { get; } = new("/healthz");

    /// <summary>The warm-up of <c>/views</c>, as <see cref="WarmHealth"/>.</summary>
    public RouteStats WarmViews { get; } = new("/views");

    /// <summary>CPU used by this process (the generator, and the wire server when the stack has one) while measuring, in cores.</summary>
    public double GeneratorCores { get; private set; }

    /// <summary>CPU used by the server under load while measuring, in cores.</summary>
    public double ServerCores { get; private set; }

    /// <summary>
    /// Runs several servers' loads in one interleaved schedule, one server at a time in each slice, so that the drift
    /// of a shared machine's load touches them all alike: how two stacks are compared in one run.
    /// </summary>
    public static async Task RunAsync(IReadOnlyList<LoadRun> runs, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var run in runs)
            {
                run.Start();
            }
            var options = runs[0]._options;
            // warm-up: connections, sessions, and the JIT's tiering, which on a pinned core shares the server's CPU and
            // takes seconds (more for the stack with more code); interleaved like the measurement, reported, not
            // counted, except that a counter must still rise by one
            await InterleavedAsync(runs, measured: false, options.WarmupSeconds, cancellationToken);
            var self = Process.GetCurrentProcess();
            var selfCpu = self.TotalProcessorTime;
            var serverCpu = runs.Select(run => run._server.CpuTime).ToList();
            var wall = Stopwatch.StartNew();
            await InterleavedAsync(runs, measured: true, options.Seconds, cancellationToken);
            self.Refresh();
            for (int i = 0; i < runs.Count; i++)
            {
                // the generator drove the servers in equal turns, so each gets an equal share of its CPU (the per-route
                // figures are measured per slice and need no such split)
                runs[i].Finish((self.TotalProcessorTime - selfCpu) / runs.Count, runs[i]._server.CpuTime - serverCpu[i], wall.Elapsed);
            }
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Stop();
            }
        }
    }

    private List<LoadWorker> _health = [];
    private List<LoadWorker> _views = [];

    private void Start()
    {
        _health = Workers("/healthz", checkCounter: false);
        _views = Workers("/views", checkCounter: true);
    }

    private void Finish(TimeSpan generatorCpu, TimeSpan serverCpu, TimeSpan wall)
    {
        GeneratorCores = generatorCpu.TotalSeconds / wall.TotalSeconds;
        ServerCores = serverCpu.TotalSeconds / wall.TotalSeconds;
        Views.CounterViolations = _views.Sum(worker => worker.TotalCounterViolations);
        Health.Reconnects = _health.Sum(worker => worker.Reconnects);
        Views.Reconnects = _views.Sum(worker => worker.Reconnects);
    }

    private void Stop()
    {
        foreach (var worker in _health.Concat(_views))
        {
            worker.Dispose();
        }
    }

    // one-second slices in the order healthz, views, views, healthz, ...: the load of a shared machine drifts, and fine
    // interleaving gives both routes (and every server) the same share of it
    private static async Task InterleavedAsync(IReadOnlyList<LoadRun> runs, bool measured, double seconds, CancellationToken cancellationToken)
    {
        if (seconds <= 0)
        {
            return;
        }
        int slices = Math.Max(2, (int)Math.Round(seconds));
        double slice = seconds / slices;
        for (int i = 0; i < slices; i++)
        {
            foreach (var run in i % 2 == 0 ? runs : runs.Reverse())
            {
                var (health, views) = measured ? (run.Health, run.Views) : (run.WarmHealth, run.WarmViews);
                var (first, firstStats, second, secondStats) = i % 2 == 0 ? (run._health, health, run._views, views) : (run._views, views, run._health, health);
                await run.PhaseAsync(first, slice, firstStats, cancellationToken);
                await run.PhaseAsync(second, slice, secondStats, cancellationToken);
            }
        }
    }

    private List<LoadWorker> Workers(string path, bool checkCounter) =>
        Enumerable.Range(0, _options.Connections).Select(_ => new LoadWorker(_server.Port, path, checkCounter)).ToList();

    private async Task PhaseAsync(List<LoadWorker> workers, double seconds, RouteStats stats, CancellationToken cancellationToken)
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
        var serverCpu = _server.CpuTime;
        long stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(() => worker.RunAsync(stopAt, cancellationToken), cancellationToken)));
        elapsed.Stop();
        self.Refresh();
        stats.AddElapsed(elapsed.Elapsed, _server.CpuTime - serverCpu, self.TotalProcessorTime - selfCpu);
        foreach (var worker in workers)
        {
            stats.Add(worker);
        }
    }
}
