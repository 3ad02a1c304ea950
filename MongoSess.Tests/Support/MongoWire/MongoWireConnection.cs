using System.Net.Security;
using System.Net.Sockets;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One client connection: reads requests, runs them through the dispatcher, writes replies, until either side closes.</summary>
internal sealed class MongoWireConnection(MongoWireServer server, TcpClient client, ConnectionState state)
{
    private static int s_nextRequestId;

    public void Close()
    {
        // closing the socket ends a pending read in RunAsync
        client.Dispose();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await OpenStreamAsync(cancellationToken);
            while (true)
            {
                var message = await WireFraming.ReadAsync(stream, MongoWireServer.MaxMessageSizeBytes, cancellationToken);
                if (message is null || !await HandleAsync(stream, message, cancellationToken))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WireProtocolException or IOException or SocketException or ObjectDisposedException or OperationCanceledException
            or System.Security.Authentication.AuthenticationException)
        {
            // the client sent garbage, went away, or the server is stopping: drop the connection, as mongod does
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task<Stream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        Stream stream = client.GetStream();
        if (server.Options.TlsCertificate is { } certificate)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
            stream = tls;
        }
        return stream;
    }

    /// <returns>False when the connection must close.</returns>
    private async Task<bool> HandleAsync(Stream stream, WireMessage message, CancellationToken cancellationToken)
    {
        switch (message.OpCode)
        {
            case WireOpcode.Msg:
                var command = OpMsgRequest.Parse(message);
                string? database = command.GetValue("$db", null) is BsonString db ? db.Value : null;
                bool secondaryOk = command.GetValue("$readPreference", null) is BsonDocument pref && pref.GetValue("mode", null) is BsonString { Value: not "primary" };
                var outcome = server.Dispatcher.Run(state, command, database, secondaryOk);
                return await SendAsync(stream, outcome, message.RequestId, reply => OpMsgWriter.Write(NextRequestId(), message.RequestId, reply), cancellationToken);
            case WireOpcode.Query:
                // the driver opens each connection with an OP_QUERY isMaster and authenticates it over OP_QUERY too
                var query = OpQueryRequest.Parse(message);
                string name = query.Command.ElementCount > 0 ? query.Command.GetElement(0).Name : "";
                if (!query.FullCollectionName.EndsWith(".$cmd", StringComparison.Ordinal) || name is not ("isMaster" or "ismaster" or "hello" or "saslStart" or "saslContinue"))
                {
                    throw new WireProtocolException($"OP_QUERY is only accepted for the handshake and authentication, not {name} on {query.FullCollectionName}.");
                }
                // all of them run on any member, so OP_QUERY's secondaryOk bit does not matter
                var legacy = server.Dispatcher.Run(state, query.Command, query.FullCollectionName[..^5], secondaryOk: false);
                return await SendAsync(stream, legacy, message.RequestId, reply => OpReplyWriter.Write(NextRequestId(), message.RequestId, reply), cancellationToken);
            default:
                throw new WireProtocolException($"Unsupported opcode {message.OpCode}.");
        }
    }

    private static async Task<bool> SendAsync(Stream stream, CommandOutcome outcome, int requestId, Func<BsonDocument, byte[]> frame, CancellationToken cancellationToken)
    {
        if (outcome.Close)
        {
            return false;
        }
        var bytes = frame(outcome.Reply!);
        if (outcome.Malformed is { } how)
        {
            await stream.WriteAsync(MalformedReplyWriter.Write(how, bytes, NextRequestId(), requestId), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            if (how == MalformedReply.TruncatedThenSilent)
            {
                // keep the connection open and say nothing more: only the client's socket timeout can end the wait
                while (await stream.ReadAsync(new byte[256], cancellationToken) > 0)
                {
                }
            }
            return false;
        }
        await stream.WriteAsync(bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        return true;
    }

    private static int NextRequestId() => Interlocked.Increment(ref s_nextRequestId);
}
