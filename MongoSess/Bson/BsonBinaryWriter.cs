using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MongoSessions.Bson;

/// <summary>
/// Encodes <see cref="BsonDocument"/>s as BSON (bsonspec.org) into a pooled buffer, back-patching each length once its
/// contents are written.
/// </summary>
internal sealed class BsonBinaryWriter : IDisposable
{
    // strict, so a string with a lone surrogate fails instead of being written as U+FFFD
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer;
    private int _position;

    private BsonBinaryWriter() => _buffer = ArrayPool<byte>.Shared.Rent(256);

    private ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    /// <summary>Encodes <paramref name="document"/> into a new array.</summary>
    /// <exception cref="ArgumentException">A name or regular expression contains NUL, or the document is nested too deeply.</exception>
    public static byte[] ToBytes(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var writer = new BsonBinaryWriter();
        writer.WriteDocument(document, depth: 1);
        return writer.Written.ToArray();
    }

    /// <summary>Encodes <paramref name="document"/> and appends the bytes to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A name or regular expression contains NUL, or the document is nested too deeply.</exception>
    public static void Write(IBufferWriter<byte> output, BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(document);
        using var writer = new BsonBinaryWriter();
        writer.WriteDocument(document, depth: 1);
        output.Write(writer.Written);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void WriteDocument(BsonDocument document, int depth)
    {
        CheckDepth(depth);
        int start = ReserveLength();
        foreach (var element in document)
        {
            if (element.Value is null)
            {
                throw new ArgumentException("BSON documents cannot hold a null reference; use BsonNull.Value.");
            }
            WriteByte((byte)element.Value.Type);
            WriteCString(element.Name, "element names");
            WriteValue(element.Value, depth);
        }
        WriteByte(0);
        PatchLength(start);
    }

    private void WriteArray(BsonArray array, int depth)
    {
        CheckDepth(depth);
        int start = ReserveLength();
        for (int i = 0; i < array.Count; i++)
        {
            var value = array[i] ?? throw new ArgumentException("BSON arrays cannot hold a null reference; use BsonNull.Value.");
            WriteByte((byte)value.Type);
            EnsureCapacity(11);
            i.TryFormat(_buffer.AsSpan(_position), out int written, default, CultureInfo.InvariantCulture);
            _position += written;
            WriteByte(0);
            WriteValue(value, depth);
        }
        WriteByte(0);
        PatchLength(start);
    }

    private void WriteValue(BsonValue value, int depth)
    {
        switch (value)
        {
            case BsonDouble v:
                BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), v.Value);
                break;
            case BsonString v:
                WriteString(v.Value);
                break;
            case BsonDocument v:
                WriteDocument(v, depth + 1);
                break;
            case BsonArray v:
                WriteArray(v, depth + 1);
                break;
            case BsonBinary v:
                WriteBinary(v);
                break;
            case BsonObjectId v:
                WriteObjectId(v.Bytes);
                break;
            case BsonBoolean v:
                WriteByte(v.Value ? (byte)1 : (byte)0);
                break;
            case BsonDateTime v:
                BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v.MillisecondsSinceEpoch);
                break;
            case BsonRegularExpression v:
                WriteCString(v.Pattern, "regular expression patterns");
                WriteCString(SortOptions(v.Options), "regular expression options");
                break;
            case BsonDbPointer v:
                WriteString(v.Namespace);
                WriteObjectId(v.Id);
                break;
            case BsonJavaScript v:
                WriteString(v.Code);
                break;
            case BsonSymbol v:
                WriteString(v.Value);
                break;
            case BsonJavaScriptWithScope v:
                int start = ReserveLength();
                WriteString(v.Code);
                WriteDocument(v.Scope, depth + 1);
                PatchLength(start);
                break;
            case BsonInt32 v:
                BinaryPrimitives.WriteInt32LittleEndian(Grow(4), v.Value);
                break;
            case BsonTimestamp v:
                BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v.Value);
                break;
            case BsonInt64 v:
                BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v.Value);
                break;
            case BsonDecimal128 v:
                BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v.Low);
                BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v.High);
                break;
            case BsonNull or BsonUndefined or BsonMinKey or BsonMaxKey:
                break;
            default:
                throw new ArgumentException($"Cannot encode a BSON value of type {value?.GetType().Name ?? "null"}.", nameof(value));
        }
    }

    private void WriteBinary(BsonBinary binary)
    {
        var data = binary.Data;
        if (binary.Subtype == 0x02)
        {
            // the old binary subtype repeats the length inside the data (bsonspec.org, "binary")
            BinaryPrimitives.WriteInt32LittleEndian(Grow(4), data.Length + 4);
            WriteByte(binary.Subtype);
            BinaryPrimitives.WriteInt32LittleEndian(Grow(4), data.Length);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(Grow(4), data.Length);
            WriteByte(binary.Subtype);
        }
        data.CopyTo(Grow(data.Length));
    }

    private void WriteObjectId(byte[] bytes)
    {
        if (bytes.Length != 12)
        {
            throw new ArgumentException($"A BSON ObjectId has 12 bytes, not {bytes.Length}.");
        }
        bytes.CopyTo(Grow(12));
    }

    private void WriteString(string value)
    {
        int start = ReserveLength();
        WriteUtf8(value);
        WriteByte(0);
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _position - start - 4);
    }

    // bson-corpus prose test 1: names and regular expressions are NUL-terminated, so they must not contain NUL
    private void WriteCString(string value, string what)
    {
        if (value.Contains('\0'))
        {
            throw new ArgumentException($"BSON {what} cannot contain a NUL character.");
        }
        WriteUtf8(value);
        WriteByte(0);
    }

    private void WriteUtf8(string value)
    {
        EnsureCapacity(s_strictUtf8.GetMaxByteCount(value.Length));
        _position += s_strictUtf8.GetBytes(value, _buffer.AsSpan(_position));
    }

    // bson-corpus changelog 2016-10-25: encoders must emit regular expression options in alphabetical order
    private static string SortOptions(string options)
    {
        for (int i = 1; i < options.Length; i++)
        {
            if (options[i - 1] > options[i])
            {
                var chars = options.ToCharArray();
                Array.Sort(chars);
                return new string(chars);
            }
        }
        return options;
    }

    private static void CheckDepth(int depth)
    {
        if (depth > BsonBinaryReader.MaxDepth)
        {
            throw new ArgumentException($"BSON documents cannot be nested deeper than {BsonBinaryReader.MaxDepth} levels; is a document inside itself?");
        }
    }

    private int ReserveLength()
    {
        int start = _position;
        Grow(4);
        return start;
    }

    private void PatchLength(int start) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _position - start);

    private void WriteByte(byte value)
    {
        EnsureCapacity(1);
        _buffer[_position++] = value;
    }

    private Span<byte> Grow(int count)
    {
        EnsureCapacity(count);
        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    private void EnsureCapacity(int count)
    {
        if (_buffer.Length - _position >= count)
        {
            return;
        }
        int size = (int)Math.Max(checked(_position + count), Math.Min((long)_buffer.Length * 2, Array.MaxLength));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        Written.CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
