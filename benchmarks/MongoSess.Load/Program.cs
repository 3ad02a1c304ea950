using System.Globalization;
using MongoSessions.Load;
using MongoSessions.Tests.Support.MongoWire;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (FormatException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

// the whole run is bounded: warm-up and measurement of both routes, plus a minute to start and stop
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2 * (options.Seconds + options.WarmupSeconds) + 60));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    deadline.Cancel();
};

MongoWireServer? wire = null;
string? sessionsDirectory = null;
var demoArgs = new List<string> { "--store", options.Store };
switch (options.Store)
{
    case "mongodb":
        wire = MongoWireServer.Start();
        demoArgs.AddRange(["--mongo", $"{wire.ConnectionString}loadtest?maxPoolSize=64"]);
        break;
    case "file":
        sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-load-").FullName;
        demoArgs.AddRange(["--sessions-dir", sessionsDirectory]);
        break;
}

try
{
    using var demo = await DemoChild.StartAsync(demoArgs);
    var firstViews = await FirstViewsAsync(demo, deadline.Token);
    var run = new LoadRun(demo, options);
    await run.RunAsync(deadline.Token);
    Print(options, run);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"startup: the demo listened {demo.TimeToListening.TotalMilliseconds:0} ms after its process started (store connected), and answered its first /views (the first store write, on a cold path) {firstViews.TotalMilliseconds:0} ms after it started"));
    return run.Health.Errors + run.Views.Errors + run.Views.CounterViolations == 0 ? 0 : 1;
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
finally
{
    if (wire is not null)
    {
        await wire.DisposeAsync();
    }
    if (sessionsDirectory is not null)
    {
        Directory.Delete(sessionsDirectory, recursive: true);
    }
}

// one request that writes a session, on a fresh connection, before anything else has warmed the path up
static async Task<TimeSpan> FirstViewsAsync(DemoChild demo, CancellationToken cancellationToken)
{
    using var http = new HttpClient();
    using var reply = await http.GetAsync($"http://127.0.0.1:{demo.Port}/views", cancellationToken);
    reply.EnsureSuccessStatusCode();
    return demo.SinceStart;
}

static void Print(LoadOptions options, LoadRun run)
{
    var inv = CultureInfo.InvariantCulture;
    Console.WriteLine(string.Create(inv, $"MongoSess load: demo with the {options.Store} store, {options.Connections} keep-alive connections per route, {options.Seconds:0.#} s measured per route ({Environment.ProcessorCount} cores)"));
    Console.WriteLine();
    Console.WriteLine("| route | requests | req/s | p50 ms | p99 ms | errors | counter violations | demo CPU µs/req | generator CPU µs/req |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var stats in new[] { run.Health, run.Views })
    {
        string violations = stats == run.Views ? stats.CounterViolations.ToString(inv) : "n/a";
        Console.WriteLine(string.Create(inv,
            $"| {stats.Route} | {stats.Requests} | {stats.RequestsPerSecond:0} | {stats.PercentileMilliseconds(0.50):0.00} | {stats.PercentileMilliseconds(0.99):0.00} | {stats.Errors} | {violations} | {stats.DemoMicrosecondsPerRequest:0.0} | {stats.GeneratorMicrosecondsPerRequest:0.0} |"));
    }
    Console.WriteLine();
    foreach (var stats in new[] { run.Health, run.Views })
    {
        if (stats.FirstError is not null)
        {
            Console.WriteLine($"{stats.Route}: first error: {stats.FirstError}");
        }
    }
    Console.WriteLine(string.Create(inv,
        $"reconnects (HttpListener closes a keep-alive connection every 100 requests): /healthz {run.Health.Reconnects}, /views {run.Views.Reconnects}"));
    double overhead = run.Health.RequestsPerSecond > 0 ? 1 - run.Views.RequestsPerSecond / run.Health.RequestsPerSecond : double.NaN;
    Console.WriteLine(string.Create(inv, $"session overhead = 1 - rps(/views) / rps(/healthz) = {overhead:P1}"));
    Console.WriteLine(string.Create(inv,
        $"session CPU cost per request in the demo = CPU(/views) - CPU(/healthz) = {run.Views.DemoMicrosecondsPerRequest - run.Health.DemoMicrosecondsPerRequest:0.0} µs ({1 - run.Health.DemoMicrosecondsPerRequest / run.Views.DemoMicrosecondsPerRequest:P1} of a /views request)"));
    if (options.Store == "mongodb")
    {
        Console.WriteLine(string.Create(inv,
            $"wire server CPU per /views request = generator process CPU(/views) - CPU(/healthz) = {run.Views.GeneratorMicrosecondsPerRequest - run.Health.GeneratorMicrosecondsPerRequest:0.0} µs"));
    }
    string generator = options.Store == "mongodb" ? "load generator + wire server" : "load generator";
    Console.WriteLine(string.Create(inv, $"CPU while measuring: demo {run.DemoCores:0.00} cores, {generator} {run.GeneratorCores:0.00} cores (of {Environment.ProcessorCount})"));
}
