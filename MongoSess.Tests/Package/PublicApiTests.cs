using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Package;

/// <summary>
/// The public surface of MongoSess.dll must match PublicApi.txt, so every API change shows up in review. After an
/// intended change, run the tests with MONGOSESS_UPDATE_API_BASELINE=1 and commit the rewritten file.
/// </summary>
public sealed class PublicApiTests
{
    private const string UpdateVariable = "MONGOSESS_UPDATE_API_BASELINE";

    private static string BaselinePath => Path.Combine(RepositoryRoot.Path, "MongoSess.Tests", "Package", "PublicApi.txt");

    [Test]
    public void Public_api_matches_the_checked_in_baseline()
    {
        string actual = PublicApiText.Of(typeof(MongoSess).Assembly);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(BaselinePath, actual);
            TestContext.Out.WriteLine($"{UpdateVariable}=1: wrote {BaselinePath}");
        }
        string expected = File.Exists(BaselinePath) ? File.ReadAllText(BaselinePath).ReplaceLineEndings("\n") : "";

        Assert.That(actual == expected, Is.True,
            $"The public API of MongoSess differs from {BaselinePath} ('-' in the baseline only, '+' in the build only):\n\n" +
            LineDiff.Describe(expected, actual) +
            $"\nIf the change is intended, regenerate the baseline and commit it:\n" +
            $"  {UpdateVariable}=1 dotnet test MongoSess.Tests -c Release --filter FullyQualifiedName~PublicApiTests\n");
    }

    [Test]
    public void Listing_is_stable_and_shows_full_signatures_with_nullability()
    {
        string first = PublicApiText.Of(typeof(MongoSess).Assembly);
        string second = PublicApiText.Of(typeof(MongoSess).Assembly);

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain("public sealed class MongoSessions.MongoSess\n"));
        Assert.That(first, Does.Contain(
            "    public System.Threading.Tasks.Task<T?> GetAsync<T>(string key, System.Threading.CancellationToken cancellationToken = default)\n"));
        Assert.That(first, Does.Contain(
            "    public System.Threading.Tasks.Task<T> GetAsync<T>(string key, T defaultValue, System.Threading.CancellationToken cancellationToken = default)\n"),
            "an unannotated type parameter stays T");
        Assert.That(first, Does.Contain(
            "    public System.Threading.Tasks.Task<T?> PullAsync<T>(string key, System.Threading.CancellationToken cancellationToken = default)\n"));
        Assert.That(first, Does.Contain("    public static bool IsConnected { get; }\n"));
        Assert.That(first, Does.Contain("    public string? Id { get; }\n"));
        Assert.That(first, Does.Not.Contain("MongoSessions.Values."), "internal types stay out of the listing");
    }

    [Test]
    public void Diff_names_removed_and_added_lines_under_their_type()
    {
        const string before = "public class A\n    public void M()\n    public void N()\n\npublic class B\n    public int P { get; }\n";
        const string after = "public class A\n    public void M()\n\npublic class B\n    public int P { get; }\n    public int Q { get; }\n";

        string diff = LineDiff.Describe(before, after);

        Assert.That(diff, Is.EqualTo("  public class A\n-     public void N()\n  public class B\n+     public int Q { get; }\n"));
    }
}
