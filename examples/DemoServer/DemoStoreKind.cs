namespace MongoSessions.Demo;

/// <summary>Where the demo keeps its sessions (<c>--store</c>).</summary>
internal enum DemoStoreKind
{
    File,
    Memory,
    MongoDb,
}
