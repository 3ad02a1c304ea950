using MongoSessions.Testing;


namespace MongoSessions.Tests.Stores;

[TestFixture]
public sealed class MemorySessionStoreTests : SessionStoreContract
{
    protected override ISessionStore CreateStore() => new MemorySessionStore();

    protected override bool HonoursExtendOnly => true;
}
