using System.Security.Cryptography.X509Certificates;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>How a <see cref="MongoWireServer"/> behaves; every default matches a MongoDB 8.0 standalone mongod.</summary>
internal sealed record MongoWireServerOptions
{
    /// <summary>Reported in hello; 25 is MongoDB 8.0 (8 = 4.2, 9 = 4.4, 13 = 5.0, 17 = 6.0, 21 = 7.0).</summary>
    public int MaxWireVersion { get; init; } = 25;

    /// <summary>Users that must authenticate; empty means no authentication, like a mongod without --auth.</summary>
    public IReadOnlyList<MongoWireUser> Users { get; init; } = [];

    /// <summary>When set, connections are TLS with this certificate (it needs its private key).</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>The loopback port to listen on; 0 (the default) lets the OS pick a free one. Set it to restart a stopped server where its clients expect it.</summary>
    public int Port { get; init; }
}
