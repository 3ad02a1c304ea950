namespace MongoSessions.Tests.Support;

/// <summary>The MongoDB server named by <c>MONGOSESS_TEST_URI</c>, for the suites that can run against any real server.</summary>
internal static class EnvironmentMongoServer
{
    public const string Variable = "MONGOSESS_TEST_URI";

    /// <summary>The connection string, or why there is none.</summary>
    /// <param name="needs">What the server must be for these tests, added to the skip reason (e.g. "a replica set").</param>
    public static Task<(string? ConnectionString, string? SkipReason)> GetAsync(string needs)
    {
        var uri = Environment.GetEnvironmentVariable(Variable);
        return Task.FromResult(string.IsNullOrWhiteSpace(uri)
            ? ((string?)null, (string?)$"Set {Variable} to {needs} (e.g. mongodb://localhost:27017) to run these tests against it.")
            : (uri, null));
    }
}
