using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MongoSessions;
using MongoSessions.Soak;
using MongoSessions.Tests.Support.MongoWire;

SoakOptions options;
try
{
    options = SoakOptions.Parse(args);
}
catch (FormatException error)
{
    Console.Error.WriteLine($"error: {error.Message}\n\n{SoakOptions.Usage}");
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(SoakOptions.Usage);
    return 0;
}

var warmup = TimeSpan.FromSeconds(Math.Clamp(options.Duration.TotalSeconds / 10, 2, 20));
Console.WriteLine($"soak: {options.Clients} clients for {options.Duration.TotalSeconds:0} s (warm-up {warmup.TotalSeconds:0} s), seed {options.Seed}{(options.Encrypt ? ", encrypted at rest" : "")}");
Console.WriteLine("store: MongoDB on an in-process 3-member replica set (wire protocol over loopback) with dropped connections and step-downs");

await using var set = await MongoWireReplicaSet.StartAsync(members: 3);
using var logs = new ProblemCountingLoggerFactory();
await MongoSess.ConnectAsync(new MongoSessOptions
{
    ConnectionString = set.ConnectionString + "&serverSelectionTimeoutMS=10000&connectTimeoutMS=2000&heartbeatFrequencyMS=500",
    Cookie = new SessionCookieOptions { Keys = new Keyring(Keyring.GenerateSecret()) },
    LoggerFactory = logs,
    Encryption = options.Encrypt ? new EncryptionKeyring(new EncryptionKey("soak", EncryptionKey.GenerateKey())) : null,
});

var tally = new SoakTally();
var chaos = new SoakChaos(set, options.Seed);
await using var server = new SoakServer(FreePort());
var clients = Enumerable.Range(0, options.Clients).Select(i => new SoakClient(i, server.BaseAddress, tally, options.Seed)).ToList();

using var stopLoad = new CancellationTokenSource(options.Duration);
using var stopChaos = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
var load = clients.Select(client => Task.Run(() => client.RunAsync(stopLoad.Token))).ToList();
var breaking = Task.Run(() => chaos.RunAsync(stopChaos.Token));

MemorySample? baseline = null;
var report = TimeSpan.FromSeconds(Math.Clamp(options.Duration.TotalSeconds / 12, 5, 30));
var nextReport = report;
while (!stopLoad.IsCancellationRequested)
{
    await Task.Delay(TimeSpan.FromMilliseconds(250));
    if (baseline is null && clock.Elapsed >= warmup)
    {
        baseline = MemorySample.Take();
        Console.WriteLine($"  {clock.Elapsed.TotalSeconds,4:0} s  baseline after warm-up: {baseline}");
    }
    if (clock.Elapsed >= nextReport)
    {
        Console.WriteLine($"  {clock.Elapsed.TotalSeconds,4:0} s  requests {tally.Requests,8}  failed {tally.Failed,5}  retries {set.Store.RetriesAnswered,5}  step-downs {chaos.StepDowns,2}  faults fired {chaos.FaultsFired,4}  p99 {tally.Latency.PercentileMs(0.99),7:0.0} ms");
        nextReport += report;
    }
}
await Task.WhenAll(load);
var loadTime = clock.Elapsed;
var end = MemorySample.Take();
baseline ??= end;
await stopChaos.CancelAsync();
await breaking;

// with the faults off, every client reads its session back one last time
long verifiedBefore = tally.SessionsVerified;
await Task.WhenAll(clients.Select(client => client.VerifyAsync(TimeSpan.FromSeconds(30))));
long finalChecks = tally.SessionsVerified - verifiedBefore;
// every stored document belongs to a client's live session, but for a few whose start or end went unanswered
var stored = set.Store.Documents(MongoSessOptions.DefaultDatabase, new MongoSessionStoreOptions().CollectionName);
int holding = clients.Count(client => client.HasSession);
int plaintext = options.Encrypt
    ? stored.Count(document => System.Text.Encoding.UTF8.GetString(MongoDB.Bson.BsonExtensionMethods.ToBson(document)).Contains("client-", StringComparison.Ordinal))
    : 0;
bool storeClean = stored.Count <= holding + tally.Failed && plaintext == 0;
foreach (var client in clients)
{
    client.Dispose();
}
await MongoSess.CloseAsync();

double growthMb = MemorySample.Megabytes(end.HeapBytes - baseline.Value.HeapBytes);
// stable: the live heap after a full collection grew by less than 32 MB and a quarter, whatever the run's length
bool memoryStable = end.HeapBytes <= baseline.Value.HeapBytes * 1.25 + (32L << 20);
var lat = tally.Latency;

Console.WriteLine();
Console.WriteLine($"requests      {tally.Requests} in {loadTime.TotalSeconds:0.0} s ({tally.Requests / loadTime.TotalSeconds:0}/s): {string.Join(", ", tally.RequestsByRoute.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}"))}");
Console.WriteLine($"errors        {tally.Failed} ({100.0 * tally.Failed / Math.Max(1, tally.Requests):0.00}%){(tally.Failed > 0 ? ": " + string.Join(", ", tally.Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} x{f.Value}")) : "")}");
Console.WriteLine($"server side   {(server.Failures.IsEmpty ? "no failures" : string.Join(", ", server.Failures.Select(f => $"{f.Key} x{f.Value}")))}");
Console.WriteLine($"retries       {set.Store.RetriesAnswered} writes sent again by the driver and answered from the server's retry record (applied once); {logs.Problems} warnings or errors logged");
foreach (string problem in logs.FirstProblems)
{
    Console.WriteLine($"                {problem}");
}
Console.WriteLine($"latency       p50 {lat.PercentileMs(0.50):0.0} ms, p99 {lat.PercentileMs(0.99):0.0} ms, p99.9 {lat.PercentileMs(0.999):0.0} ms, max {lat.MaxMs:0.0} ms");
Console.WriteLine($"faults        {chaos.StepDowns} step-downs, {chaos.ConnectionDrops} drops of all connections, {chaos.FaultsFired} of {chaos.FaultsArmed} armed connection faults fired");
Console.WriteLine($"sessions      {tally.SessionsStarted} started, {tally.SessionsEnded} ended, {tally.RestartsAfterFailure} restarted after an unanswered regenerate or end");
Console.WriteLine($"increments    {tally.AckedIncrements} acknowledged; {tally.SessionsVerified} session counts checked ({finalChecks} at the end), {tally.Violations} violations");
foreach (string violation in tally.FirstViolations)
{
    Console.WriteLine($"                {violation}");
}
Console.WriteLine($"store         {stored.Count} documents for {holding} clients holding a session{(options.Encrypt ? $", {plaintext} with plaintext data" : "")}");
// rounded first, and + 0.0 turns a negative zero into zero, so a tiny shrink prints "+0.0", not "-+0.0"
double shownGrowthMb = Math.Round(growthMb, 1) + 0.0;
Console.WriteLine($"memory        after warm-up {baseline}; at the end {end}; heap growth {shownGrowthMb:+0.0;-0.0;+0.0} MB");
bool passed = tally.Violations == 0 && memoryStable && storeClean && server.Failures.Keys.All(k => k == nameof(MongoSessConnectionException));
Console.WriteLine(passed
    ? "PASS: every acknowledged increment counted exactly once, no session seen by another client, memory stable"
    : $"FAIL: {tally.Violations} violations, memory {(memoryStable ? "stable" : "grew")}, store {(storeClean ? "clean" : "holds leftover or plaintext sessions")}, unexpected server failures: {string.Join(", ", server.Failures.Keys.Where(k => k != nameof(MongoSessConnectionException)))}");
return passed ? 0 : 1;

static int FreePort()
{
    using var probe = new TcpListener(IPAddress.Loopback, 0);
    probe.Start();
    return ((IPEndPoint)probe.LocalEndpoint).Port;
}
