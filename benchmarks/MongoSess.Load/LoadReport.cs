using System.Globalization;

namespace MongoSessions.Load;

/// <summary>What the generator prints: each run's table and notes, and with several runs, one line each and the medians.</summary>
internal static class LoadReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static void PrintRun(LoadOptions options, StackUnderTest stack, LoadRun run)
    {
        Console.WriteLine(string.Create(s_inv, $"MongoSess load: {stack.Description}, {options.Connections} keep-alive connections per route, {options.Seconds:0.#} s measured per route ({Environment.ProcessorCount} cores)"));
        Console.WriteLine();
        Console.WriteLine("| route | requests | req/s | p50 ms | p99 ms | errors | counter violations | server CPU µs/req | generator CPU µs/req |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var stats in new[] { run.Health, run.Views })
        {
            string violations = stats == run.Views ? stats.CounterViolations.ToString(s_inv) : "n/a";
            Console.WriteLine(string.Create(s_inv,
                $"| {stats.Route} | {stats.Requests} | {stats.RequestsPerSecond:0} | {stats.PercentileMilliseconds(0.50):0.00} | {stats.PercentileMilliseconds(0.99):0.00} | {stats.Errors} | {violations} | {stats.ServerMicrosecondsPerRequest:0.0} | {stats.GeneratorMicrosecondsPerRequest:0.0} |"));
        }
        Console.WriteLine();
        foreach (var stats in new[] { run.Health, run.Views })
        {
            if (stats.FirstError is not null)
            {
                Console.WriteLine($"{stats.Route}: first error: {stats.FirstError}");
            }
        }
        Console.WriteLine(string.Create(s_inv,
            $"warm-up ({options.WarmupSeconds:0.#} s per route, not counted): /healthz {run.WarmHealth.RequestsPerSecond:0} req/s at {run.WarmHealth.ServerMicrosecondsPerRequest:0.0} µs, /views {run.WarmViews.RequestsPerSecond:0} req/s at {run.WarmViews.ServerMicrosecondsPerRequest:0.0} µs of server CPU per request (the JIT still tiering up)"));
        Console.WriteLine(string.Create(s_inv,
            $"reconnects (HttpListener closes a keep-alive connection every 100 requests): /healthz {run.Health.Reconnects}, /views {run.Views.Reconnects}"));
        Console.WriteLine(string.Create(s_inv, $"session overhead = 1 - rps(/views) / rps(/healthz) = {RunResult.Of(run).Overhead:P1}"));
        Console.WriteLine(string.Create(s_inv,
            $"session CPU cost per request in the server = CPU(/views) - CPU(/healthz) = {run.Views.ServerMicrosecondsPerRequest - run.Health.ServerMicrosecondsPerRequest:0.0} µs ({1 - run.Health.ServerMicrosecondsPerRequest / run.Views.ServerMicrosecondsPerRequest:P1} of a /views request)"));
        if (stack.UsesWireServer)
        {
            Console.WriteLine(string.Create(s_inv,
                $"wire server CPU per /views request = generator process CPU(/views) - CPU(/healthz) = {run.Views.GeneratorMicrosecondsPerRequest - run.Health.GeneratorMicrosecondsPerRequest:0.0} µs"));
        }
        Console.WriteLine(string.Create(s_inv, $"CPU while measuring: server {run.ServerCores:0.00} cores, {Generator(stack)} {run.GeneratorCores:0.00} cores (of {Environment.ProcessorCount})"));
    }

    public static void PrintPinning(ServerChild server, StackUnderTest stack) =>
        Console.WriteLine($"pinned with taskset: server pid {server.ProcessId} on {CpuPinning.Describe(server.ProcessId)}; {Generator(stack)} pid {Environment.ProcessId} on {CpuPinning.Describe(Environment.ProcessId)}");

    public static void PrintSummary(LoadOptions options, IReadOnlyList<RunResult> runs)
    {
        Console.WriteLine();
        string pinned = options.Pin ? "server on CPU 0, generator on CPU 1" : "not pinned";
        Console.WriteLine(string.Create(s_inv, $"summary: {StackUnderTest.Describe(options)}, {runs.Count} runs of {options.Seconds:0.#} s per route ({options.WarmupSeconds:0.#} s warm-up), {options.Connections} connections, {pinned}"));
        Console.WriteLine();
        Console.WriteLine("| run | /healthz req/s | /views req/s | session overhead | server CPU µs/req /healthz | server CPU µs/req /views | errors | counter violations |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            Console.WriteLine(string.Create(s_inv,
                $"| {i + 1} | {r.HealthRequestsPerSecond:0} | {r.ViewsRequestsPerSecond:0} | {r.Overhead:P1} | {r.HealthServerMicroseconds:0.0} | {r.ViewsServerMicroseconds:0.0} | {r.Errors} | {r.CounterViolations} |"));
        }
        Console.WriteLine(string.Create(s_inv,
            $"| median (errors, violations: total) | {RunResult.Median(runs, r => r.HealthRequestsPerSecond):0} | {RunResult.Median(runs, r => r.ViewsRequestsPerSecond):0} | {RunResult.Median(runs, r => r.Overhead):P1} | {RunResult.Median(runs, r => r.HealthServerMicroseconds):0.0} | {RunResult.Median(runs, r => r.ViewsServerMicroseconds):0.0} | {runs.Sum(r => r.Errors)} | {runs.Sum(r => r.CounterViolations)} |"));
    }

    /// <summary>With <c>--versus</c>: the two stacks' figures side by side, run by run (each pair from one interleaved run).</summary>
    public static void PrintComparison(LoadOptions options, LoadOptions versus, IReadOnlyList<RunResult> runs, IReadOnlyList<RunResult> versusRuns)
    {
        string name = StackName(options);
        string other = StackName(versus);
        Console.WriteLine();
        Console.WriteLine($"comparison, {name} against {other} (each row one run, both servers in one interleaved schedule):");
        Console.WriteLine();
        Console.WriteLine($"| run | {name} /views req/s | {other} /views req/s | /views ratio | {name} overhead | {other} overhead |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var ratios = new List<double>();
        for (int i = 0; i < runs.Count; i++)
        {
            double ratio = runs[i].ViewsRequestsPerSecond / versusRuns[i].ViewsRequestsPerSecond;
            ratios.Add(ratio);
            Console.WriteLine(string.Create(s_inv,
                $"| {i + 1} | {runs[i].ViewsRequestsPerSecond:0} | {versusRuns[i].ViewsRequestsPerSecond:0} | {ratio:0.000} | {runs[i].Overhead:P1} | {versusRuns[i].Overhead:P1} |"));
        }
        if (runs.Count > 1)
        {
            double median = RunResult.Median(ratios);
            Console.WriteLine(string.Create(s_inv,
                $"| median | {RunResult.Median(runs, r => r.ViewsRequestsPerSecond):0} | {RunResult.Median(versusRuns, r => r.ViewsRequestsPerSecond):0} | {median:0.000} | {RunResult.Median(runs, r => r.Overhead):P1} | {RunResult.Median(versusRuns, r => r.Overhead):P1} |"));
        }
    }

    private static string StackName(LoadOptions options) => options.Stack == "demo" ? $"demo ({options.Store})" : options.Stack;

    /// <summary>The first field of /proc/loadavg, or "n/a" where there is none.</summary>
    public static string MachineLoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Generator(StackUnderTest stack) => stack.UsesWireServer ? "load generator + wire server" : "load generator";
}
