using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Tests.Support;

/// <summary>Free loopback TCP ports for test servers.</summary>
internal static class FreePort
{
    // the OS picks an unused port; HttpListener cannot bind port 0 itself, so we ask and release
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
