namespace MongoSessions.Load;

/// <summary>The load generator's command line.</summary>
internal sealed record LoadOptions(string Store, int Connections, double Seconds, double WarmupSeconds)
{
    public const string Usage = """
        usage: MongoSess.Load [--store memory|file|mongodb] [--connections N] [--seconds S] [--warmup S]

          --store memory|file|mongodb  the demo's store; mongodb uses the in-test wire server (default memory)
          --connections N              keep-alive connections, each its own session (default 32)
          --seconds S                  measured seconds per route, in one-second slices that alternate
                                       the routes (default 10)
          --warmup S                   unmeasured seconds per route before measuring (default 2)
        """;

    /// <summary>Parses the arguments; a bad one is a <see cref="FormatException"/> that names it.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions("memory", 32, 10, 2);
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--store" => options with { Store = Value() is var s && s is "memory" or "file" or "mongodb" ? s : throw new FormatException($"unknown store '{s}'") },
                "--connections" => options with { Connections = int.TryParse(Value(), out int n) && n is > 0 and <= 4096 ? n : throw new FormatException("--connections takes 1..4096") },
                "--seconds" => options with { Seconds = double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out double s) && s is > 0 and <= 600 ? s : throw new FormatException("--seconds takes a number of seconds up to 600") },
                "--warmup" => options with { WarmupSeconds = double.TryParse(Value(), System.Globalization.CultureInfo.InvariantCulture, out double w) && w is >= 0 and <= 60 ? w : throw new FormatException("--warmup takes 0..60 seconds") },
                _ => throw new FormatException($"unknown option '{args[i]}'"),
            };
        }
        return options;
    }
}
