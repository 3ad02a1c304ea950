namespace MongoSessions.Tests.Support;

/// <summary>
/// Finds the mongodb/specifications test data named by <c>MONGOSESS_SPEC_TESTS</c> (the repository's <c>source/</c> folder).
/// </summary>
internal static class SpecTests
{
    public const string EnvironmentVariable = "MONGOSESS_SPEC_TESTS";

    public static bool IsConfigured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static string NotConfiguredMessage(string relativeFolder) =>
        $"Specification tests skipped: set {EnvironmentVariable} to the source/ folder of mongodb/specifications " +
        $"(e.g. ../shared/specs/source) to run the tests in {relativeFolder}.";

    /// <summary>
    /// The full path of <paramref name="relativeFolder"/> (e.g. "bson-corpus/tests") under the configured folder.
    /// Ignores the calling test when the variable is unset; throws when it is set but the folder is missing.
    /// </summary>
    public static string Folder(string relativeFolder)
    {
        if (!IsConfigured)
        {
            Assert.Ignore(NotConfiguredMessage(relativeFolder));
        }
        string root = ResolveRoot(Environment.GetEnvironmentVariable(EnvironmentVariable)!.Trim());
        string folder = Path.GetFullPath(Path.Combine(root, relativeFolder));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"{EnvironmentVariable} is set to '{root}', but it has no '{relativeFolder}' folder; point it at the source/ folder of mongodb/specifications.");
        }
        return folder;
    }

    // a relative path is usually written from the repository root, but the test host runs in bin/<config>/<tfm>/,
    // so also try it from each folder above the test assembly
    private static string ResolveRoot(string configured)
    {
        if (Path.IsPathRooted(configured) || Directory.Exists(configured))
        {
            return Path.GetFullPath(configured);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, configured);
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        return Path.GetFullPath(configured);
    }
}
