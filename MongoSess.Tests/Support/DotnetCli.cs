using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>Runs the <c>dotnet</c> CLI as a user would, for the tests that pack and consume the package.</summary>
internal static class DotnetCli
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The dotnet executable, or null with the reason there is none that can build.</summary>
    public static (string? Path, string Reason) Locate()
    {
        // set by the SDK for the processes it starts, such as this test host
        string? candidate = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(candidate) || !File.Exists(candidate))
        {
            string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            candidate = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => System.IO.Path.Combine(dir, name))
                .FirstOrDefault(File.Exists);
        }
        if (candidate is null)
        {
            return (null, "the dotnet CLI is neither in DOTNET_HOST_PATH nor on PATH");
        }
        try
        {
            using var probe = Process.Start(Start(candidate, Directory.GetCurrentDirectory(), ["--version"]))!;
            probe.StandardOutput.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? (candidate, "") : (null, $"'{candidate} --version' failed: no .NET SDK is installed");
        }
        catch (Win32Exception e)
        {
            return (null, $"'{candidate}' cannot be started: {e.Message}");
        }
    }

    /// <summary>Runs one command to its end and fails the test, with everything it printed, when it does not succeed.</summary>
    public static async Task<string> RunAsync(string dotnet, string workingDirectory, IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = Start(dotnet, workingDirectory, args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = "dotnet " + string.Join(' ', args);
        try
        {
            await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{command}' did not finish within {CommandTimeout.TotalMinutes} minutes:\n{Text(output)}");
        }
        Assert.That(process.ExitCode, Is.Zero, $"'{command}' in {workingDirectory} failed:\n{Text(output)}");
        return Text(output);
    }

    /// <summary>A start description with redirected output and an environment cleaned of the outer build's MSBuild settings.</summary>
    public static ProcessStartInfo Start(string dotnet, string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // dotnet test passes MSBuild's own paths and switches to its children; a nested build must find its SDK by itself
        foreach (string name in start.Environment.Keys.Where(IsOuterBuildSetting).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // without node reuse no MSBuild worker outlives the command holding its output pipe open
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return start;
    }

    private static bool IsOuterBuildSetting(string name) =>
        name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST_", StringComparison.OrdinalIgnoreCase);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Append(line).Append('\n');
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
