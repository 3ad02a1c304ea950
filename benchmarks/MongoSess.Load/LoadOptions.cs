using System.Globalization;

namespace MongoSessions.Load;

/// <summary>The load generator's command line.</summary>
internal sealed record LoadOptions(string Stack, string Store, int Connections, double Seconds, double WarmupSeconds, bool Pin, int Runs, string? Versus = null)
{
    public const string Usage = """
        usage: MongoSess.Load [--stack demo|minimal|connect-mongo] [--store memory|file|mongodb] [--connections N]
                              [--seconds S] [--warmup S] [--pin] [--runs N] [--versus STACK]

          --stack demo|minimal|connect-mongo
                                       the server under load (default demo): the MongoSess demo; minimal, a
                                       signed-cookie session on raw HttpListener without MongoSess
                                       (benchmarks/MinimalSession); connect-mongo, express + express-session +
                                       connect-mongo on Node.js (benchmarks/connect-mongo, npm ci on first use)
                                       against the in-test wire server
          --store memory|file|mongodb  the demo's store; mongodb uses the in-test wire server (default memory;
                                       --stack demo only)
          --connections N              keep-alive connections, each its own session (default 32)
          --seconds S                  measured seconds per route, in one-second slices that alternate
                                       the routes (default 10)
          --warmup S                   seconds per route before measuring, interleaved like the measurement,
                                       reported but not counted: long enough for the JIT to finish tiering
                                       up on a pinned core (default 15)
          --pin                        pin the server to CPU 0 and the generator (and the wire server, which runs
                                       in its process) to CPU 1; Linux, taskset
          --runs N                     N runs, each with a fresh server (and wire server); prints each run, then
                                       the medians (default 1)
          --versus demo|minimal|connect-mongo
                                       a second stack (its default store) in the same run: the two servers
                                       take turns in each slice, so the machine's drift touches both alike,
                                       and the report compares them
        """;

    /// <summary>Parses the arguments; a bad one is a <see cref="FormatException"/> that names it.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions("demo", "memory", 32, 10, 15, Pin: false, Runs: 1);
        bool storeGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            storeGiven |= args[i] == "--store";
            options = args[i] switch
            {
                "--stack" => options with { Stack = Value() is var k && k is "demo" or "minimal" or "connect-mongo" ? k : throw new FormatException($"unknown stack '{k}'") },
                "--store" => options with { Store = Value() is var s && s is "memory" or "file" or "mongodb" ? s : throw new FormatException($"unknown store '{s}'") },
                "--connections" => options with { Connections = int.TryParse(Value(), out int n) && n is > 0 and <= 4096 ? n : throw new FormatException("--connections takes 1..4096") },
                "--seconds" => options with { Seconds = double.TryParse(Value(), CultureInfo.InvariantCulture, out double s) && s is > 0 and <= 600 ? s : throw new FormatException("--seconds takes a number of seconds up to 600") },
                "--warmup" => options with { WarmupSeconds = double.TryParse(Value(), CultureInfo.InvariantCulture, out double w) && w is >= 0 and <= 60 ? w : throw new FormatException("--warmup takes 0..60 seconds") },
                "--pin" => options with { Pin = true },
                "--versus" => options with { Versus = Value() is var v && v is "demo" or "minimal" or "connect-mongo" ? v : throw new FormatException($"unknown stack '{v}'") },
                "--runs" => options with { Runs = int.TryParse(Value(), out int r) && r is > 0 and <= 100 ? r : throw new FormatException("--runs takes 1..100") },
                _ => throw new FormatException($"unknown option '{args[i]}'"),
            };
        }
        if (storeGiven && options.Stack != "demo")
        {
            throw new FormatException($"--store is the demo's; --stack {options.Stack} has its own (minimal: in memory, connect-mongo: the wire server)");
        }
        return options;
    }
}
