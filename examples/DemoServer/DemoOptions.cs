namespace MongoSessions.Demo;

/// <summary>The demo's command line, parsed.</summary>
internal sealed record DemoOptions(int Port, DemoStoreKind Store, string SessionsDirectory, bool ShowHelp, string? MongoUri = null)
{
    public const string Usage = """
        usage: DemoServer [--port N] [--store file|memory|mongodb] [--mongo URI] [--sessions-dir DIR]

          --port N                     port to listen on, on loopback only (default 8080)
          --store file|memory|mongodb  where sessions live (default file)
          --mongo URI                  the MongoDB connection string for --store mongodb
                                       (default: $MONGODB_URI, else mongodb://localhost:27017)
          --sessions-dir DIR           folder of the file store and of the kept secret (default ./sessions)
          --help                       show this help

        environment:
          MONGOSESS_KEYS       comma-separated cookie signing secrets, newest first; without it the
                               file and MongoDB stores keep a generated secret in DIR/.secret
          MONGODB_URI          the MongoDB connection string when --mongo is not given
          MONGOSESS_ENCRYPTION_KEYS  encrypt session data at rest: id:key pairs, comma-separated,
                               newest first (make a key with EncryptionKey.GenerateKey())
        """;

    /// <summary>Parses <paramref name="args"/>; a bad option is a <see cref="FormatException"/> whose message says which.</summary>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions(8080, DemoStoreKind.File, "sessions", ShowHelp: false);
        for (int i = 0; i < args.Count; i++)
        {
            // both "--port 8080" and "--port=8080"
            string name = args[i];
            string? inlineValue = null;
            int equals = name.IndexOf('=');
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value");
                }
                return args[++i];
            }

            options = name switch
            {
                "--port" => options with { Port = ParsePort(Value()) },
                "--store" => options with { Store = ParseStore(Value()) },
                "--sessions-dir" => options with { SessionsDirectory = ParseDirectory(Value()) },
                "--mongo" => options with { MongoUri = ParseUri(Value()) },
                "--help" or "-h" or "-?" => options with { ShowHelp = true },
                _ => throw new FormatException($"unknown option '{args[i]}'"),
            };
        }
        return options;
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"--port must be a number from 1 to 65535, not '{text}'");

    private static DemoStoreKind ParseStore(string text) => text.ToLowerInvariant() switch
    {
        "file" => DemoStoreKind.File,
        "memory" => DemoStoreKind.Memory,
        "mongodb" or "mongo" => DemoStoreKind.MongoDb,
        _ => throw new FormatException($"--store must be 'file', 'memory' or 'mongodb', not '{text}'"),
    };

    // the URI may hold a password, so a bad one is never echoed back
    private static string ParseUri(string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new FormatException("--mongo needs a connection string such as mongodb://localhost:27017/app") : text;

    private static string ParseDirectory(string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new FormatException("--sessions-dir needs a folder name") : text;
}
