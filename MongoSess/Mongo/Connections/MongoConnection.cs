using System.Buffers;
using MongoSessions.Bson;
using MongoSessions.Mongo.Protocol;

namespace MongoSessions.Mongo.Connections;

/// <summary>
/// One connection to one server: the handshake, then one command at a time. A network error, a timeout, a
/// cancellation mid-command or an invalid reply marks it broken, and a broken connection is never used again
/// (its stream may hold half a message). A server's error reply (<c>ok: 0</c>) leaves it usable.
/// </summary>
internal sealed class MongoConnection : IAsyncDisposable
{
    /// <summary>The oldest server supported: MongoDB 4.2 (wire version 8).</summary>
    public const int MinWireVersion = 8;

    /// <summary>The newest wire version this client knows (MongoDB 8.2).</summary>
    public const int MaxWireVersion = 27;

    private static long s_lastId;

    private readonly Stream _stream;
    private readonly ConnectionSettings _settings;
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    // replies up to this size arrive in one read; larger ones get a pooled buffer of their own
    private readonly byte[] _receive = new byte[4096];

    // the socket timeout's source, reused from command to command while no caller token has to be linked in
    private CancellationTokenSource? _timeoutSource;
    private int _maxMessageSize = 48_000_000;

    private MongoConnection(MongoEndPoint endPoint, Stream stream, ConnectionSettings settings, int generation)
    {
        EndPoint = endPoint;
        _stream = stream;
        _settings = settings;
        Generation = generation;
        Id = Interlocked.Increment(ref s_lastId);
    }

    public MongoEndPoint EndPoint { get; }

    public long Id { get; }

    /// <summary>The pool generation the connection was made in; a pool clear makes older generations stale.</summary>
    public int Generation { get; }

    public HelloResult Description { get; private set; } = null!;

    public bool IsBroken { get; private set; }

    /// <summary>When the connection last finished a command (<see cref="Environment.TickCount64"/>), for idle pruning.</summary>
    public long LastUsedTicks { get; private set; } = Environment.TickCount64;

    /// <summary>Opens a stream, runs the handshake and, when there is a credential, authenticates.</summary>
    public static async Task<MongoConnection> OpenAsync(
        MongoEndPoint endPoint, ConnectionSettings settings, IStreamOpener opener, int generation,
        Func<MongoConnection, CancellationToken, Task>? authenticate, CancellationToken cancellationToken)
    {
        var stream = await opener.OpenAsync(endPoint, settings, cancellationToken).ConfigureAwait(false);
        var connection = new MongoConnection(endPoint, stream, settings, generation);
        try
        {
            await connection.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            if (authenticate is not null)
            {
                await authenticate(connection, cancellationToken).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a command (which names its database in <c>$db</c>) and returns the reply, whose <c>ok</c> was 1.</summary>
    /// <exception cref="MongoSessCommandException">The server answered with an error.</exception>
    /// <exception cref="MongoSessConnectionException">The connection failed; it is now broken.</exception>
    public Task<BsonDocument> RunCommandAsync(BsonDocument command, CancellationToken cancellationToken, string? sequenceIdentifier = null, IReadOnlyList<BsonDocument>? sequence = null)
    {
        _output.ResetWrittenCount();
        int requestId;
        try
        {
            requestId = OpMsgRequest.Write(_output, command, sequenceIdentifier, sequence);
        }
        catch (ArgumentException e)
        {
            // a document that cannot be encoded fails the returned task, as it did when this method was async
            return Task.FromException<BsonDocument>(e);
        }
        // OP_MSG spec: a command document may exceed maxBsonObjectSize by 16 KiB of command overhead, and no message
        // may exceed maxMessageSizeBytes; refuse before sending, since the server would drop the connection instead
        int limit = Math.Min(_maxMessageSize, Description.MaxBsonObjectSize + 16 * 1024 + 64);
        if (_output.WrittenCount > limit)
        {
            return Task.FromException<BsonDocument>(new MongoSessCommandException(10334, "BSONObjectTooLarge",
                $"The command is {_output.WrittenCount} bytes, more than the {limit} bytes {EndPoint} accepts (maxBsonObjectSize {Description.MaxBsonObjectSize})."));
        }
        // not async itself: one state machine per command, the exchange's, which also checks ok
        return ExchangeAsync(requestId, OpCode.Msg, cancellationToken);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var hello = new BsonDocument()
            .Add("isMaster", new BsonInt32(1))
            .Add("helloOk", BsonBoolean.True)
            .Add("client", ClientMetadata.Create(_settings.AppName))
            .Add("compression", new BsonArray());
        if (_settings.Credential is { } credential)
        {
            // auth spec: ask which SCRAM mechanisms the user has, to pick one without a failed attempt
            hello.Add("saslSupportedMechs", new BsonString($"{credential.Source}.{credential.Username}"));
        }
        _output.ResetWrittenCount();
        int requestId = OpQueryHandshake.Write(_output, hello);
        var reply = await ExchangeAsync(requestId, OpCode.Reply, cancellationToken).ConfigureAwait(false);
        Description = new HelloResult(reply);
        _maxMessageSize = Description.MaxMessageSizeBytes;
        if (Description.MaxWireVersion < MinWireVersion)
        {
            IsBroken = true;
            throw new MongoSessConnectionException(
                $"The server at {EndPoint} is too old: it speaks wire version {Description.MaxWireVersion}, and MongoSess needs MongoDB 4.2 or newer (wire version {MinWireVersion}).");
        }
        if (Description.MinWireVersion > MaxWireVersion)
        {
            IsBroken = true;
            throw new MongoSessConnectionException(
                $"The server at {EndPoint} is too new: it requires wire version {Description.MinWireVersion}, and this MongoSess speaks up to {MaxWireVersion}; upgrade MongoSess.");
        }
    }

    /// <summary>Sends the message in the output buffer and reads its reply, whose <c>ok</c> must be 1.</summary>
    private async Task<BsonDocument> ExchangeAsync(int requestId, OpCode expectedOpCode, CancellationToken cancellationToken)
    {
        if (IsBroken)
        {
            throw new MongoSessConnectionException($"The connection to {EndPoint} is broken and cannot be used.");
        }
        var timeout = TimeoutSource(cancellationToken);
        var token = timeout?.Token ?? cancellationToken;
        byte[]? rented = null;
        BsonDocument reply;
        try
        {
            // the whole message in one write, and usually the whole reply in one read
            await _stream.WriteAsync(_output.WrittenMemory, token).ConfigureAwait(false);
            int received = await _stream.ReadAtLeastAsync(_receive, MessageHeader.Size, throwOnEndOfStream: true, token).ConfigureAwait(false);
            var header = MessageHeader.Read(_receive);
            if (header.MessageLength < MessageHeader.Size + 5 || header.MessageLength > _maxMessageSize)
            {
                throw Invalid($"its length {header.MessageLength} is outside 21..{_maxMessageSize}");
            }
            if (header.ResponseTo != requestId)
            {
                throw Invalid($"it answers request {header.ResponseTo}, not {requestId}");
            }
            if (header.OpCode != expectedOpCode)
            {
                throw Invalid($"it has opcode {(int)header.OpCode}, not {(int)expectedOpCode}");
            }
            var message = _receive;
            if (header.MessageLength > message.Length)
            {
                rented = ArrayPool<byte>.Shared.Rent(header.MessageLength);
                _receive.AsSpan(0, received).CopyTo(rented);
                message = rented;
            }
            if (received < header.MessageLength)
            {
                await _stream.ReadExactlyAsync(message.AsMemory(received, header.MessageLength - received), token).ConfigureAwait(false);
            }
            var body = message.AsSpan(MessageHeader.Size, header.MessageLength - MessageHeader.Size);
            reply = expectedOpCode == OpCode.Msg ? OpMsgReply.Parse(body) : OpQueryHandshake.ParseReply(body);
            LastUsedTicks = Environment.TickCount64;
            if (received > header.MessageLength)
            {
                // one request, one reply: bytes after it mean the stream is out of step, so it is not used again
                IsBroken = true;
            }
        }
        catch (OperationCanceledException) when (timeout is not null && !cancellationToken.IsCancellationRequested)
        {
            IsBroken = true;
            throw new MongoSessConnectionException($"The server at {EndPoint} did not answer within the socket timeout of {_settings.SocketTimeout.TotalMilliseconds:0} ms.");
        }
        catch (OperationCanceledException)
        {
            // cancelled mid-exchange: the stream may hold part of a message, so the connection cannot be reused
            IsBroken = true;
            throw;
        }
        catch (MongoSessConnectionException)
        {
            IsBroken = true;
            throw;
        }
        catch (InvalidDataException e)
        {
            IsBroken = true;
            throw Invalid(e.Message);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            IsBroken = true;
            throw new MongoSessConnectionException($"The connection to {EndPoint} was lost: {e.Message}", e);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
            ReleaseTimeoutSource(timeout);
        }
        // a server's error reply (ok: 0) leaves the connection usable
        return CommandReply.EnsureOk(reply);
    }

    // one linked source per command when the caller can cancel; otherwise one source per connection, reset after each
    // command, so that the default socket timeout costs no allocation and no new timer per command
    private CancellationTokenSource? TimeoutSource(CancellationToken cancellationToken)
    {
        if (_settings.SocketTimeout == Timeout.InfiniteTimeSpan)
        {
            return null;
        }
        var source = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : _timeoutSource ??= new CancellationTokenSource();
        source.CancelAfter(_settings.SocketTimeout);
        return source;
    }

    private void ReleaseTimeoutSource(CancellationTokenSource? source)
    {
        if (source is null)
        {
            return;
        }
        if (source != _timeoutSource)
        {
            source.Dispose();
        }
        else if (!source.TryReset())
        {
            // it fired: the connection is broken now, and the next one starts with a fresh source
            _timeoutSource = null;
            source.Dispose();
        }
    }

    private MongoSessConnectionException Invalid(string why) => new($"The server at {EndPoint} sent an invalid reply: {why}.");

    public async ValueTask DisposeAsync()
    {
        IsBroken = true;
        _timeoutSource?.Dispose();
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // closing a connection that already failed
        }
    }
}
