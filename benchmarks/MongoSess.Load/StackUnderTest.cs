using System.Globalization;
using MongoSessions.Tests.Support.MongoWire;

namespace MongoSessions.Load;

/// <summary>
/// One run's server stack and what it needs beside the server: the in-test MongoDB wire server (demo with the mongodb
/// store, connect-mongo), which runs in this process, or a sessions folder (demo with the file store).
/// </summary>
internal sealed class StackUnderTest : IAsyncDisposable
{
    private readonly LoadOptions _options;
    private readonly MongoWireServer? _wire;
    private readonly string? _sessionsDirectory;

    public StackUnderTest(LoadOptions options)
    {
        _options = options;
        if (NeedsWireServer(options))
        {
            _wire = MongoWireServer.Start();
        }
        else if (options.Stack == "demo" && options.Store == "file")
        {
            _sessionsDirectory = Directory.CreateTempSubdirectory("mongosess-load-").FullName;
        }
    }

    /// <summary>Whether the wire server runs in this process, so that the generator's CPU includes it.</summary>
    public bool UsesWireServer => _wire is not null;

    public string Description => Describe(_options);

    public static bool NeedsWireServer(LoadOptions options) =>
        options.Stack == "connect-mongo" || options.Stack == "demo" && options.Store == "mongodb";

    public static string Describe(LoadOptions options) => options.Stack switch
    {
        "minimal" => "MinimalSession (signed cookie, counter in a ConcurrentDictionary, no MongoSess) on HttpListener",
        "connect-mongo" => "express + express-session + connect-mongo on Node.js, against the in-test wire server",
        _ => $"demo with the {options.Store} store",
    };

    public ServerCommand Command(int port)
    {
        string portText = port.ToString(CultureInfo.InvariantCulture);
        string beside = AppContext.BaseDirectory;
        switch (_options.Stack)
        {
            case "minimal":
                return new ServerCommand("dotnet", [Path.Combine(beside, "MinimalSession.dll"), "--port", portText], Path.GetTempPath());
            case "connect-mongo":
                string app = ConnectMongoApp.Directory;
                // production: how an express app is deployed (express and its dependencies skip development work)
                return new ServerCommand("node", [Path.Combine(app, "server.js"), "--port", portText, "--mongo", MongoUrl()], app)
                {
                    Environment = new Dictionary<string, string> { ["NODE_ENV"] = "production" },
                };
            default:
                var args = new List<string> { Path.Combine(beside, "DemoServer.dll"), "--port", portText, "--store", _options.Store };
                if (_wire is not null)
                {
                    args.AddRange(["--mongo", MongoUrl()]);
                }
                if (_sessionsDirectory is not null)
                {
                    args.AddRange(["--sessions-dir", _sessionsDirectory]);
                }
                return new ServerCommand("dotnet", args, Path.GetTempPath());
        }
    }

    // both stacks get the same pool limit; the database name is the same too
    private string MongoUrl() => $"{_wire!.ConnectionString}loadtest?maxPoolSize=64";

    public async ValueTask DisposeAsync()
    {
        if (_wire is not null)
        {
            await _wire.DisposeAsync();
        }
        if (_sessionsDirectory is not null)
        {
            Directory.Delete(_sessionsDirectory, recursive: true);
            // the demo keeps its generated signing secret beside the sessions, never among them: it goes too
            File.Delete(_sessionsDirectory + ".secret");
        }
    }
}
