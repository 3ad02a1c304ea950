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
                var message = await WireFraming.ReadAsync(stream, server.Options.MaxMessageSizeBytes, cancellationToken);
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
                var request = OpMsgRequest.Parse(message);
                string? database = request.Command.GetValue("$db", null) is BsonString db ? db.Value : null;
                bool secondaryOk = request.Command.GetValue("$readPreference", null) is BsonDocument pref && pref.GetValue("mode", null) is BsonString { Value: not "primary" };
                var outcome = await server.Dispatcher.RunAsync(state, request.Command, database, secondaryOk, cancellationToken);
                if (request.Flags.HasFlag(OpMsgFlags.MoreToCome))
                {
                    // moreToCome: the client expects no reply (an unacknowledged write)
                    return !outcome.Close;
                }
                return await SendAsync(stream, outcome, message.RequestId, reply => OpMsgWriter.Write(NextRequestId(), message.RequestId, reply), cancellationToken);
            case WireOpcode.Query:
                var query = OpQueryRequest.Parse(message);
                if (!query.FullCollectionName.EndsWith(".$cmd", StringComparison.Ordinal))
                {
                    throw new WireProtocolException("OP_QUERY is only accepted for commands.");
                }
                var command = query.Command;
                string name = command.ElementCount > 0 ? command.GetElement(0).Name : "";
                CommandOutcome legacy = name is "hello" or "isMaster" or "ismaster" or "saslStart" or "saslContinue"
                    ? await server.Dispatcher.RunAsync(state, command, query.FullCollectionName[..^5], (query.Flags & OpQueryRequest.SecondaryOkFlag) != 0, cancellationToken)
                    // mongod 5.1+ answers only the handshake and authentication over OP_QUERY
                    : new CommandOutcome(new MongoCommandError(MongoErrorCodes.UnsupportedOpQueryCommand, $"Unsupported OP_QUERY command: {name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal").ToReply());
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
