namespace MongoSessions.Tests.Support;

/// <summary>
/// MongoSess packed from this checkout into a temporary folder feed, under a version no other build uses, so a
/// project that restores it cannot get a stale copy from a packages cache.
/// </summary>
internal sealed class LocalPackage
{
    private LocalPackage(string dotnet, string root, string version)
    {
        Dotnet = dotnet;
        Root = root;
        Version = version;
    }

    public string Dotnet { get; }

    /// <summary>The temporary folder that holds the feed and everything else the tests write.</summary>
    public string Root { get; }

    public string Feed => Path.Combine(Root, "feed");

    public string Version { get; }

    public string PackagePath => Path.Combine(Feed, $"MongoSess.{Version}.nupkg");

    public string SymbolsPath => Path.Combine(Feed, $"MongoSess.{Version}.snupkg");

    public static async Task<LocalPackage> PackAsync(string dotnet)
    {
        // one alphanumeric prerelease identifier, so the random part can never be a number with a leading zero
        string version = $"0.0.0-packagetest-{Guid.NewGuid():N}";
        string root = Path.Combine(Path.GetTempPath(), "mongosess-package-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var package = new LocalPackage(dotnet, root, version);
        string project = Path.Combine(RepositoryRoot.Path, "MongoSess", "MongoSess.csproj");
        string build = Path.Combine(root, "build") + Path.DirectorySeparatorChar;
        // the same pack as ./build.sh pack, but with every output in the temporary folder, so the checkout's own
        // bin/ and obj/ stay as the test run built them; the restore was done by that build
        await DotnetCli.RunAsync(dotnet, RepositoryRoot.Path,
        [
            "pack", project, "-c", "Release", "-o", package.Feed, "--no-restore", "--nologo",
            $"-p:Version={version}", $"-p:OutputPath={build}bin{Path.DirectorySeparatorChar}",
            $"-p:IntermediateOutputPath={build}obj{Path.DirectorySeparatorChar}",
            $"-p:NuspecOutputPath={build}obj{Path.DirectorySeparatorChar}",
        ]);
        return package;
    }

    public void Delete()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            TestContext.Out.WriteLine($"could not delete {Root}: {e.Message}");
        }
    }
}
