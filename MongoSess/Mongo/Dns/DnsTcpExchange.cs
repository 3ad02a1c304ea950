using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MongoSessions.Mongo.Dns;

/// <summary>Sends one query over TCP, each message behind a two-byte length (RFC 1035 section 4.2.2).</summary>
internal static class DnsTcpExchange
{
    public static async Task<byte[]> ExchangeAsync(IPEndPoint server, byte[] query, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var framed = new byte[2 + query.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
        try
        {
            var prefix = new byte[2];
            await stream.ReadExactlyAsync(prefix, cancellationToken).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
            if (length < DnsQueryMessage.HeaderLength)
            {
                throw new DnsAttemptException($"the TCP reply is {length} bytes long, shorter than a DNS header");
            }
            var reply = new byte[length];
            await stream.ReadExactlyAsync(reply, cancellationToken).ConfigureAwait(false);
            return reply;
        }
        catch (EndOfStreamException)
        {
            throw new DnsAttemptException("the server closed the TCP connection before the whole reply arrived");
        }
    }
}
