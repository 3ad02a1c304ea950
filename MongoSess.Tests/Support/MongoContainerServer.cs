using DotNet.Testcontainers.Builders;
using Testcontainers.MongoDb;

namespace MongoSessions.Tests.Support;

/// <summary>
/// A real <c>mongo:8.0</c>, a single-node replica set with test commands on (for <c>failCommand</c>), started once per
/// test run through Testcontainers and shared by the suites that need it. Where no Docker engine answers, starting it
/// fails within a second and those suites skip, saying so.
/// </summary>
internal static class MongoContainerServer
{
    public const string Image = "mongo:8.0";

    private static readonly Lazy<Task<(MongoDbContainer? Container, string? SkipReason)>> s_started = new(StartAsync);

    /// <summary>The connection string of the running container, or the reason there is none.</summary>
    public static async Task<(string? ConnectionString, string? SkipReason)> GetAsync()
    {
        var (container, reason) = await s_started.Value;
        // one member, reached through a mapped port: the member's own address (127.0.0.1:27017 inside the container)
        // means nothing here, so connect directly instead of discovering the set
        return container is null ? (null, reason) : (container.GetConnectionString() + "?directConnection=true", null);
    }

    public static async Task StopAsync()
    {
        if (s_started.IsValueCreated && await s_started.Value is { Container: { } container })
        {
            await container.DisposeAsync();
        }
    }

    private static async Task<(MongoDbContainer?, string?)> StartAsync()
    {
        try
        {
            var container = new MongoDbBuilder(Image)
                .WithReplicaSet()
                .WithCommand("--setParameter", "enableTestCommands=1")
                .Build();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await container.StartAsync(limit.Token);
            return (container, null);
        }
        catch (DockerUnavailableException)
        {
            return (null, $"No Docker engine answered, so the suite against a real {Image} (Testcontainers) cannot run here; it runs wherever Docker is available, e.g. GitHub Actions' ubuntu-latest.");
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return (null, $"Docker answered but {Image} did not start ({e.GetType().Name}: {e.Message}).");
        }
    }
}
