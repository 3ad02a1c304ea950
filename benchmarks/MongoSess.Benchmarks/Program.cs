using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// in-process: no child project to generate and build, so a short run stays short on a 2-core machine.
// The default job is short (3 warm-ups, 5 measured iterations); pass --job or any BenchmarkDotNet option to change it
var job = Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance).WithId("Short");
var config = DefaultConfig.Instance
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(StatisticColumn.P95)
    .WithOptions(ConfigOptions.JoinSummary);
if (!args.Any(a => a is "--job" or "-j"))
{
    config = config.AddJob(job);
}
var benchmarks = new[]
{
    typeof(MongoSessions.Benchmarks.CookieBenchmarks),
    typeof(MongoSessions.Benchmarks.RequestPathBenchmarks),
    typeof(MongoSessions.Benchmarks.ServedRequestBenchmarks),
    typeof(MongoSessions.Benchmarks.BsonBenchmarks),
    typeof(MongoSessions.Benchmarks.MongoCommandBenchmarks),
    typeof(MongoSessions.Benchmarks.MongoStoreWorkBenchmarks),
};
// without a filter BenchmarkDotNet would ask on stdin which benchmarks to run: run them all
string[] arguments = args.Any(a => a is "--filter" or "-f") ? args : [.. args, "--filter", "*"];
BenchmarkSwitcher.FromTypes(benchmarks).Run(arguments, config);
