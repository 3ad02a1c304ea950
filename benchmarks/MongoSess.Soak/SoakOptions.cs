namespace MongoSessions.Soak;

/// <summary>The soak's command line, parsed.</summary>
internal sealed record SoakOptions(TimeSpan Duration, int Clients, int Seed, bool ShowHelp, bool Encrypt = false)
{
    public const string Usage = """
        usage: MongoSess.Soak [--seconds S] [--clients N] [--seed N] [--encrypt]

          --seconds S   how long the load runs (default 180)
          --clients N   concurrent HTTP clients, each with its own session (default 32)
          --seed N      the random choices of clients and faults (default: a new one, printed)
          --encrypt     encrypt session data at rest (versioned compare-and-swap writes instead of per-key updates)
        """;

    /// <summary>Parses <paramref name="args"/>; a bad option is a <see cref="FormatException"/> that names it.</summary>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions(TimeSpan.FromSeconds(180), 32, Random.Shared.Next(), ShowHelp: false);
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive("--seconds", Value())) },
                "--clients" => options with { Clients = Positive("--clients", Value()) },
                "--seed" => options with { Seed = int.TryParse(Value(), out int seed) ? seed : throw new FormatException("--seed must be a number") },
                "--encrypt" => options with { Encrypt = true },
                "--help" or "-h" => options with { ShowHelp = true },
                _ => throw new FormatException($"unknown option '{args[i]}'"),
            };
        }
        return options;
    }

    private static int Positive(string name, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int value) && value > 0
            ? value
            : throw new FormatException($"{name} must be a positive whole number, not '{text}'");
}
