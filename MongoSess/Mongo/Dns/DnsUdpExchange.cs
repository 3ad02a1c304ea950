using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Mongo.Dns;

/// <summary>Sends one query datagram and waits for the datagram that answers it (RFC 1035 section 4.2.1).</summary>
internal static class DnsUdpExchange
{
    // without EDNS a server sends at most 512 bytes; a larger buffer costs nothing and tolerates servers that send more
    private const int ReceiveBufferLength = 65_535;

    public static async Task<byte[]> ExchangeAsync(IPEndPoint server, byte[] query, CancellationToken cancellationToken)
    {
        var id = BinaryPrimitives.ReadUInt16BigEndian(query);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // a connected socket only receives datagrams from the server it asked
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[ReceiveBufferLength];
        var ignored = 0;
        try
        {
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (length >= DnsQueryMessage.HeaderLength
                    && BinaryPrimitives.ReadUInt16BigEndian(buffer) == id
                    && (buffer[2] & 0x80) != 0)
                {
                    return buffer[..length];
                }
                // a datagram with another id is stray or forged: drop it and keep waiting (RFC 5452 section 9.1)
                ignored++;
            }
        }
        catch (OperationCanceledException) when (ignored > 0)
        {
            throw new DnsAttemptException($"no reply with the query's id arrived in time ({ignored} other datagram(s) ignored)");
        }
    }
}
