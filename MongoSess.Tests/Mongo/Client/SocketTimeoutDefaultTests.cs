using MongoSessions.Internal;

namespace MongoSessions.Tests.Mongo.Client;

/// <summary>Unlike MongoDB's drivers, MongoSess waits at most 30 s for a reply unless told otherwise.</summary>
[TestFixture]
public sealed class SocketTimeoutDefaultTests
{
    [TestCase("mongodb://db1/", 30_000)]
    [TestCase("mongodb://db1/?socketTimeoutMS=5000", 5_000)]
    [TestCase("mongodb://db1/?socketTimeoutMS=0", -1)]
    public void Socket_timeout_is_30_seconds_unless_the_connection_string_says_otherwise(string uri, int expectedMilliseconds)
    {
        var settings = MongoStoreBuilder.SettingsFor(new MongoSessOptions { ConnectionString = uri });
        Assert.That(settings.Connection.SocketTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(expectedMilliseconds)));
    }
}
