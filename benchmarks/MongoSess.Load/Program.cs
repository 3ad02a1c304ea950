using System.Globalization;
using MongoSessions.Load;

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

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

var results = new List<RunResult>();
var versusResults = new List<RunResult>();
var versusOptions = options.Versus is { } versus ? options with { Stack = versus, Store = "memory", Versus = null } : null;
try
{
    if (options.Stack == "connect-mongo" || options.Versus == "connect-mongo")
    {
        ConnectMongoApp.EnsureInstalled();
    }
    if (options.Pin)
    {
        // before the wire server and the generator's workers start threads, so that all of them inherit CPU 1
        CpuPinning.PinThisProcessToCpu1();
    }
    for (int i = 1; i <= options.Runs; i++)
    {
        if (options.Runs > 1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"## run {i} of {options.Runs}"));
            Console.WriteLine();
        }
        var (result, versusResult) = await RunOnceAsync(options, versusOptions, stopping.Token);
        results.Add(result);
        if (versusResult is not null)
        {
            versusResults.Add(versusResult);
        }
        Console.WriteLine();
    }
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}

if (options.Runs > 1)
{
    LoadReport.PrintSummary(options, results);
    if (versusOptions is not null)
    {
        LoadReport.PrintSummary(versusOptions, versusResults);
    }
}
if (versusOptions is not null)
{
    LoadReport.PrintComparison(options, versusOptions, results, versusResults);
}
return results.Sum(r => r.Errors + r.CounterViolations) == 0 ? 0 : 1;

// one run: a fresh server (and wire server or sessions folder), warmed up, measured, printed; with --versus, the
// second stack's server beside it, both driven in one interleaved schedule
static async Task<(RunResult Result, RunResult? Versus)> RunOnceAsync(LoadOptions options, LoadOptions? versusOptions, CancellationToken stopping)
{
    // bounded: warm-up and measurement of both routes (of both servers), plus a minute to start and stop
    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    deadline.CancelAfter(TimeSpan.FromSeconds((versusOptions is null ? 2 : 4) * (options.Seconds + options.WarmupSeconds) + 60));
    string loadBefore = LoadReport.MachineLoadAverage();
    await using var stack = new StackUnderTest(options);
    int port = ServerChild.FreePort();
    using var server = await ServerChild.StartAsync(port, stack.Command(port), options.Pin);
    var firstViews = await FirstViewsAsync(server, deadline.Token);
    var run = new LoadRun(server, options);
    await using var versusStack = versusOptions is null ? null : new StackUnderTest(versusOptions);
    int versusPort = ServerChild.FreePort();
    using var versusServer = versusStack is null ? null : await ServerChild.StartAsync(versusPort, versusStack.Command(versusPort), options.Pin);
    var versusFirstViews = versusServer is null ? TimeSpan.Zero : await FirstViewsAsync(versusServer, deadline.Token);
    var versusRun = versusServer is null ? null : new LoadRun(versusServer, versusOptions!);
    await LoadRun.RunAsync(versusRun is null ? [run] : [run, versusRun], deadline.Token);
    Report(options, stack, server, run, firstViews);
    if (versusRun is not null)
    {
        Console.WriteLine();
        Report(versusOptions!, versusStack!, versusServer!, versusRun, versusFirstViews);
    }
    // other work on a shared machine takes CPU from both pinned processes, which their own CPU times do not show
    Console.WriteLine($"machine load average (1 min) before / after the run: {loadBefore} / {LoadReport.MachineLoadAverage()}");
    return (RunResult.Of(run), versusRun is null ? null : RunResult.Of(versusRun));

    static void Report(LoadOptions options, StackUnderTest stack, ServerChild server, LoadRun run, TimeSpan firstViews)
    {
        LoadReport.PrintRun(options, stack, run);
        if (options.Pin)
        {
            LoadReport.PrintPinning(server, stack);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: the server listened {server.TimeToListening.TotalMilliseconds:0} ms after its process started (store connected), and answered its first /views (the first store write, on a cold path) {firstViews.TotalMilliseconds:0} ms after it started"));
    }
}

// one request that writes a session, on a fresh connection, before anything else has warmed the path up
static async Task<TimeSpan> FirstViewsAsync(ServerChild server, CancellationToken cancellationToken)
{
    using var http = new HttpClient();
    using var reply = await http.GetAsync($"http://127.0.0.1:{server.Port}/views", cancellationToken);
    reply.EnsureSuccessStatusCode();
    return server.SinceStart;
}
