using MongoSessions.Mongo;
using MongoSessions.Mongo.Connections;

namespace MongoSessions.Benchmarks;

/// <summary>
/// A connection to a server that answers from memory (<see cref="CannedReplies"/>), at once and without a socket:
/// a benchmark over it measures the client's own CPU cost per command.
/// </summary>
internal sealed class CannedMongoStream(CannedReplies replies) : Stream
{
    private byte[] _reply = [];
    private int _readAt;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static IStreamOpener Opener(CannedReplies replies) => new CannedOpener(replies);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _reply = replies.Answer(buffer);
        _readAt = 0;
    }

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _reply.Length - _readAt);
        _reply.AsSpan(_readAt, n).CopyTo(buffer);
        _readAt += n;
        return n;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private sealed class CannedOpener(CannedReplies replies) : IStreamOpener
    {
        public Task<Stream> OpenAsync(MongoEndPoint endPoint, ConnectionSettings settings, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new CannedMongoStream(replies.Copy()));
    }
}
