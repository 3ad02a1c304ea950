namespace MongoSessions.Tests.Support;

/// <summary>The checkout the tests were built from, found by walking up from the test assembly to MongoSess.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "MongoSess.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new DirectoryNotFoundException($"No MongoSess.sln above {AppContext.BaseDirectory}: run the tests from a checkout.");
        }
    }
}
