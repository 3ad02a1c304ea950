using System.ComponentModel;
using System.Diagnostics;

namespace MongoSessions.Load;

/// <summary>The Node app of the connect-mongo stack (benchmarks/connect-mongo): where it is, and its packages installed.</summary>
internal static class ConnectMongoApp
{
    private const string NeedsNode = "the connect-mongo stack needs Node.js 20.8 or later and npm on PATH (Debian: apt-get install nodejs npm)";

    /// <summary>benchmarks/connect-mongo in the repository this generator was built from.</summary>
    public static string Directory { get; } = Find();

    /// <summary>Runs <c>npm ci</c> (the versions of package-lock.json) when node_modules is missing.</summary>
    /// <exception cref="InvalidOperationException">Node.js or npm is missing, or npm ci failed.</exception>
    public static void EnsureInstalled()
    {
        string version = Run("node", ["--version"], quiet: true);
        Console.Error.WriteLine($"connect-mongo stack: Node.js {version.Trim()}");
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
        {
            Console.Error.WriteLine($"installing the connect-mongo stack's packages (npm ci in {Directory})...");
            Run("npm", ["ci", "--no-audit", "--no-fund"], quiet: false);
        }
    }

    private static string Run(string fileName, string[] args, bool quiet)
    {
        var start = new ProcessStartInfo(fileName, args) { WorkingDirectory = Directory, RedirectStandardOutput = quiet, UseShellExecute = false };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException(NeedsNode);
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException($"{fileName} was not found: {NeedsNode}");
        }
        using (process)
        {
            string output = quiet ? process.StandardOutput.ReadToEnd() : "";
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed with exit code {process.ExitCode} in {Directory}");
        }
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MongoSess.sln")))
            {
                return Path.Combine(dir.FullName, "benchmarks", "connect-mongo");
            }
        }
        throw new InvalidOperationException($"benchmarks/connect-mongo not found above {AppContext.BaseDirectory}: run the generator from its build output in the repository");
    }
}
