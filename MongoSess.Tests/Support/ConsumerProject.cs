using System.Diagnostics;
using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>
/// A new console project outside the checkout that gets MongoSess only from the local feed and runs
/// examples/Minimal on a given port.
/// </summary>
internal sealed class ConsumerProject
{
    public const string ListeningLine = "listening";

    private readonly LocalPackage _package;

    public ConsumerProject(LocalPackage package)
    {
        _package = package;
        Directory = Path.Combine(package.Root, "app");
    }

    public string Directory { get; }

    /// <summary>Writes the project, a nuget.config for the local feed and examples/Minimal's program, then builds it.</summary>
    public async Task BuildAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        // empty files here end MSBuild's search upwards, so nothing above the temporary folder joins the build
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            await File.WriteAllTextAsync(Path.Combine(_package.Root, name), "<Project />\n");
        }
        await File.WriteAllTextAsync(Path.Combine(Directory, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- as in the repository: the package source may be a partial copy of nuget.org -->
                <WarningsNotAsErrors>NU1603;NU1608</WarningsNotAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MongoSess" Version="[{_package.Version}]" />
              </ItemGroup>
            </Project>
            """);
        // the machine's own sources still apply (this file adds to them) for the package's dependencies; the
        // packages folder is private, with the machine's as a read-only fallback, so the test leaves no trace
        await File.WriteAllTextAsync(Path.Combine(Directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mongosess-under-test" value="{_package.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{MachinePackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(Directory, "Program.cs"), await MinimalProgramAsync());

        await DotnetCli.RunAsync(_package.Dotnet, Directory, ["build", "-c", "Release", "--nologo"],
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_package.Root, "packages") });
    }

    /// <summary>Starts the built program on a port; it prints <see cref="ListeningLine"/> once its listener is up.</summary>
    public Process Start(int port, StringBuilder output, TaskCompletionSource listening)
    {
        string dll = Path.Combine(Directory, "bin", "Release", "net10.0", "App.dll");
        var start = DotnetCli.Start(_package.Dotnet, Directory, [dll, port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the program exited before it listened"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.Append(line).Append('\n');
            }
            if (line == ListeningLine)
            {
                listening.TrySetResult();
            }
        }
    }

    // examples/Minimal as shipped, on the port given as its argument instead of 8080, and saying when it listens
    private static async Task<string> MinimalProgramAsync()
    {
        string source = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "Minimal", "Program.cs"));
        source = ReplaceOnce(source, "\"http://localhost:8080/\"", "$\"http://localhost:{args[0]}/\"");
        source = ReplaceOnce(source, "\"http://127.0.0.1:8080/\"", "$\"http://127.0.0.1:{args[0]}/\"");
        return ReplaceOnce(source, "listener.Start();", $"listener.Start();\nConsole.WriteLine(\"{ListeningLine}\");");
    }

    private static string ReplaceOnce(string source, string find, string replacement)
    {
        int at = source.IndexOf(find, StringComparison.Ordinal);
        Assert.That(at >= 0 && source.IndexOf(find, at + 1, StringComparison.Ordinal) < 0, Is.True,
            $"examples/Minimal/Program.cs should contain '{find}' exactly once; update {nameof(ConsumerProject)} with it");
        return source[..at] + replacement + source[(at + find.Length)..];
    }

    private static string MachinePackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
