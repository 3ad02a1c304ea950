using MongoSessions.Encryption;
using MongoSessions.Tests.Support;
using MongoSessions.Tests.Support.MongoWire;
using Microsoft.Extensions.Logging.Abstractions;

using MongoSessions.Testing;

namespace MongoSessions.Tests.Stores;

/// <summary>The store contract holds unchanged with encryption at rest, on every built-in store.</summary>
[TestFixture]
public sealed class EncryptedMemorySessionStoreTests : SessionStoreContract
{
    internal static readonly EncryptionKeyring Keys = new(new EncryptionKey("test-1", EncryptionKey.GenerateKey()));

    internal static ISessionStore Encrypted(ISessionStore inner) => new EncryptingSessionStore(inner, Keys, NullLogger.Instance);

    protected override ISessionStore CreateStore() => Encrypted(new MemorySessionStore());

    protected override bool HonoursExtendOnly => true;
}

[TestFixture]
public sealed class EncryptedFileSessionStoreTests : SessionStoreContract
{
    private string _directory = null!;

    // each attempt is a file read and an fsynced write, and writers on one session retry: fewer rounds
    protected override int UpdatesPerWorker => 20;

    protected override bool HonoursExtendOnly => true;

    protected override ISessionStore CreateStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "mongosess-tests", Guid.NewGuid().ToString("N"));
        return EncryptedMemorySessionStoreTests.Encrypted(new FileSessionStore(_directory));
    }

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

[TestFixture]
public sealed class EncryptedMongoSessionStoreTests : SessionStoreContract
{
    private MongoWireServer _server = null!;

    protected override int UpdatesPerWorker => 40;

    protected override bool HonoursExtendOnly => true;

    protected override ISessionStore CreateStore()
    {
        _server = MongoWireServer.Start();
        return EncryptedMemorySessionStoreTests.Encrypted(MongoTestConnections.ConnectAsync(_server).GetAwaiter().GetResult());
    }

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();
}
