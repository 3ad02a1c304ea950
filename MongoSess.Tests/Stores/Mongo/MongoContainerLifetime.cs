using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Stores.Mongo;

/// <summary>Stops the shared MongoDB container, if one was started, after the last test of this namespace.</summary>
[SetUpFixture]
public sealed class MongoContainerLifetime
{
    [OneTimeTearDown]
    public Task StopContainer() => MongoContainerServer.StopAsync();
}
