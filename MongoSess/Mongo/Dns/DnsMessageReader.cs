using System.Buffers.Binary;
using System.Text;

namespace MongoSessions.Mongo.Dns;

/// <summary>
/// A cursor over a received message. Every read is bounds-checked and a bad message ends in a
/// <see cref="DnsAttemptException"/>, never an out-of-range index or a loop.
/// </summary>
internal sealed class DnsMessageReader(byte[] message)
{
    private const int PointerMask = 0xC0;

    public int Position { get; set; }

    public int Length => message.Length;

    public byte ReadByte()
    {
        Require(1);
        return message[Position++];
    }

    public ushort ReadUInt16()
    {
        Require(2);
        var value = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(Position));
        Position += 2;
        return value;
    }

    public uint ReadUInt32()
    {
        Require(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(Position));
        Position += 4;
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        Require(count);
        var bytes = message.AsSpan(Position, count);
        Position += count;
        return bytes;
    }

    /// <summary>Reads a possibly compressed name (RFC 1035 section 4.1.4) and returns it without a trailing dot.</summary>
    public string ReadName()
    {
        var name = new StringBuilder();
        var position = Position;
        int? resumeAt = null;
        // every pointer must jump below the start of the labels read so far, so the walk always terminates
        var lowestStart = position;
        var wireLength = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                throw new DnsAttemptException($"a name at offset {Position} runs past the end of the message");
            }
            int length = message[position];
            if (length == 0)
            {
                position++;
                break;
            }
            switch (length & PointerMask)
            {
                case 0:
                    wireLength += 1 + length;
                    if (wireLength + 1 > DnsName.MaxWireLength)
                    {
                        throw new DnsAttemptException($"a name at offset {Position} is longer than {DnsName.MaxWireLength} octets");
                    }
                    if (position + 1 + length > message.Length)
                    {
                        throw new DnsAttemptException($"a label at offset {position} runs past the end of the message");
                    }
                    if (name.Length > 0)
                    {
                        name.Append('.');
                    }
                    foreach (var b in message.AsSpan(position + 1, length))
                    {
                        if (!DnsName.IsLabelChar(b))
                        {
                            throw new DnsAttemptException($"a label at offset {position} holds the byte 0x{b:X2}, which is not allowed in a host name");
                        }
                        name.Append((char)b);
                    }
                    position += 1 + length;
                    break;
                case PointerMask:
                    if (position + 1 >= message.Length)
                    {
                        throw new DnsAttemptException($"a compression pointer at offset {position} runs past the end of the message");
                    }
                    var target = ((length & ~PointerMask) << 8) | message[position + 1];
                    if (target >= message.Length)
                    {
                        throw new DnsAttemptException($"a compression pointer at offset {position} points outside the message (offset {target})");
                    }
                    if (target >= lowestStart)
                    {
                        throw new DnsAttemptException($"a compression pointer at offset {position} points forward or into a loop (offset {target})");
                    }
                    resumeAt ??= position + 2;
                    lowestStart = target;
                    position = target;
                    break;
                default:
                    throw new DnsAttemptException($"a name at offset {position} uses the reserved label type 0x{length:X2}");
            }
        }
        Position = resumeAt ?? position;
        return name.ToString();
    }

    private void Require(int count)
    {
        if (count < 0 || Position + count > message.Length)
        {
            throw new DnsAttemptException($"the message ends at {message.Length} bytes, in the middle of a field at offset {Position}");
        }
    }
}
