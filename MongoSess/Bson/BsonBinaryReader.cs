using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace MongoSessions.Bson;

/// <summary>
/// Decodes BSON (bsonspec.org) into <see cref="BsonDocument"/>s. Every length, terminator, string and type byte is checked;
/// anything malformed throws <see cref="BsonFormatException"/> and nothing else.
/// </summary>
internal static class BsonBinaryReader
{
    /// <summary>The deepest nesting accepted, counting the top-level document, nested documents, arrays and code scopes.</summary>
    public const int MaxDepth = 100;

    // int32 length + terminating NUL
    private const int MinDocumentLength = 5;

    // int32 total length + the smallest string (int32 length + NUL) + the smallest scope document
    private const int MinCodeWithScopeLength = 4 + 5 + MinDocumentLength;

    private const int ObjectIdLength = 12;

    // a scratch larger than this after a decode is dropped rather than kept by the thread
    private const int MaxKeptScratch = 4096;

    // elements are collected here first, so that each document's list is allocated once at its exact size
    [ThreadStatic]
    private static BsonElement[]? t_scratch;

    /// <summary>Decodes one document that fills <paramref name="bytes"/> exactly.</summary>
    public static BsonDocument ReadDocument(ReadOnlySpan<byte> bytes)
    {
        var input = bytes;
        var scratch = new Scratch(t_scratch ??= new BsonElement[64]);
        try
        {
            var document = ReadDocument(ref input, depth: 1, ref scratch);
            if (!input.IsEmpty)
            {
                throw new BsonFormatException($"{input.Length} bytes follow the end of the BSON document.");
            }
            return document;
        }
        finally
        {
            // drop the references, so the scratch keeps no decoded value alive
            scratch.Clear();
            t_scratch = scratch.Elements.Length <= MaxKeptScratch ? scratch.Elements : null;
        }
    }

    private static BsonDocument ReadDocument(ref ReadOnlySpan<byte> input, int depth, ref Scratch scratch)
    {
        var body = TakeDocumentBody(ref input, depth);
        int start = scratch.Count;
        while (!body.IsEmpty)
        {
            var type = (BsonType)body[0];
            body = body[1..];
            string name = ReadName(ref body);
            scratch.Push(new BsonElement(name, ReadValue(type, ref body, depth, ref scratch)));
        }
        var document = new BsonDocument(scratch.Count - start);
        foreach (var element in scratch.PopFrom(start))
        {
            document.Add(element.Name, element.Value);
        }
        return document;
    }

    // the keys of an array are not kept: "0", "1", ... is only the canonical form (bson-corpus: degenerate arrays still decode)
    private static BsonArray ReadArray(ref ReadOnlySpan<byte> input, int depth, ref Scratch scratch)
    {
        var body = TakeDocumentBody(ref input, depth);
        int start = scratch.Count;
        while (!body.IsEmpty)
        {
            var type = (BsonType)body[0];
            body = body[1..];
            SkipCString(ref body);
            scratch.Push(new BsonElement(null!, ReadValue(type, ref body, depth, ref scratch)));
        }
        var array = new BsonArray(scratch.Count - start);
        foreach (var element in scratch.PopFrom(start))
        {
            array.Add(element.Value);
        }
        return array;
    }

    // returns the elements between the length prefix and the terminating NUL, and moves input past the document
    private static ReadOnlySpan<byte> TakeDocumentBody(ref ReadOnlySpan<byte> input, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new BsonFormatException($"BSON documents are nested deeper than {MaxDepth} levels.");
        }
        int length = ReadInt32(ref input);
        if (length < MinDocumentLength || length - 4 > input.Length)
        {
            throw new BsonFormatException($"BSON document length {length} does not fit the {input.Length + 4} bytes available.");
        }
        var rest = input[..(length - 4)];
        if (rest[^1] != 0)
        {
            throw new BsonFormatException("BSON document does not end with a NUL byte.");
        }
        input = input[(length - 4)..];
        return rest[..^1];
    }

    private static BsonValue ReadValue(BsonType type, ref ReadOnlySpan<byte> input, int depth, ref Scratch scratch)
    {
        switch (type)
        {
            case BsonType.Double:
                return new BsonDouble(BinaryPrimitives.ReadDoubleLittleEndian(Take(ref input, 8)));
            case BsonType.String:
                return new BsonString(ReadString(ref input));
            case BsonType.Document:
                return ReadDocument(ref input, depth + 1, ref scratch);
            case BsonType.Array:
                return ReadArray(ref input, depth + 1, ref scratch);
            case BsonType.Binary:
                return ReadBinary(ref input);
            case BsonType.Undefined:
                return BsonUndefined.Value;
            case BsonType.ObjectId:
                return new BsonObjectId(Take(ref input, ObjectIdLength).ToArray());
            case BsonType.Boolean:
                return Take(ref input, 1)[0] switch
                {
                    0 => BsonBoolean.False,
                    1 => BsonBoolean.True,
                    var other => throw new BsonFormatException($"BSON boolean byte must be 0 or 1, not {other}."),
                };
            case BsonType.DateTime:
                return new BsonDateTime(BinaryPrimitives.ReadInt64LittleEndian(Take(ref input, 8)));
            case BsonType.Null:
                return BsonNull.Value;
            case BsonType.RegularExpression:
                string pattern = ReadCString(ref input);
                return new BsonRegularExpression(pattern, ReadCString(ref input));
            case BsonType.DbPointer:
                string ns = ReadString(ref input);
                return new BsonDbPointer(ns, Take(ref input, ObjectIdLength).ToArray());
            case BsonType.JavaScript:
                return new BsonJavaScript(ReadString(ref input));
            case BsonType.Symbol:
                return new BsonSymbol(ReadString(ref input));
            case BsonType.JavaScriptWithScope:
                return ReadJavaScriptWithScope(ref input, depth, ref scratch);
            case BsonType.Int32:
                return BsonInt32.Of(BinaryPrimitives.ReadInt32LittleEndian(Take(ref input, 4)));
            case BsonType.Timestamp:
                return new BsonTimestamp(BinaryPrimitives.ReadUInt64LittleEndian(Take(ref input, 8)));
            case BsonType.Int64:
                return BsonInt64.Of(BinaryPrimitives.ReadInt64LittleEndian(Take(ref input, 8)));
            case BsonType.Decimal128:
                var bytes = Take(ref input, 16);
                ulong low = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                return new BsonDecimal128(BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]), low);
            case BsonType.MinKey:
                return BsonMinKey.Value;
            case BsonType.MaxKey:
                return BsonMaxKey.Value;
            default:
                throw new BsonFormatException($"Unknown BSON element type 0x{(byte)type:X2}.");
        }
    }

    private static BsonBinary ReadBinary(ref ReadOnlySpan<byte> input)
    {
        int length = ReadInt32(ref input);
        if (length < 0)
        {
            throw new BsonFormatException($"BSON binary length {length} is negative.");
        }
        byte subtype = Take(ref input, 1)[0];
        var data = Take(ref input, length);
        if (subtype == 0x02)
        {
            // the old binary subtype repeats the length inside the data (bsonspec.org, "binary")
            if (data.Length < 4 || BinaryPrimitives.ReadInt32LittleEndian(data) != data.Length - 4)
            {
                throw new BsonFormatException("BSON binary subtype 0x02 has an inner length that does not match its outer length.");
            }
            data = data[4..];
        }
        return new BsonBinary(subtype, data.ToArray());
    }

    private static BsonJavaScriptWithScope ReadJavaScriptWithScope(ref ReadOnlySpan<byte> input, int depth, ref Scratch scratch)
    {
        int length = ReadInt32(ref input);
        if (length < MinCodeWithScopeLength || length - 4 > input.Length)
        {
            throw new BsonFormatException($"BSON code with scope length {length} is invalid.");
        }
        var contents = input[..(length - 4)];
        input = input[(length - 4)..];
        string code = ReadString(ref contents);
        var scope = ReadDocument(ref contents, depth + 1, ref scratch);
        if (!contents.IsEmpty)
        {
            throw new BsonFormatException("BSON code with scope length is longer than its code and scope.");
        }
        return new BsonJavaScriptWithScope(code, scope);
    }

    private static string ReadString(ref ReadOnlySpan<byte> input)
    {
        int length = ReadInt32(ref input);
        if (length < 1 || length > input.Length)
        {
            throw new BsonFormatException($"BSON string length {length} does not fit the {input.Length} bytes available.");
        }
        var bytes = input[..length];
        if (bytes[^1] != 0)
        {
            throw new BsonFormatException("BSON string does not end with a NUL byte.");
        }
        input = input[length..];
        return DecodeUtf8(bytes[..^1]);
    }

    private static string ReadCString(ref ReadOnlySpan<byte> input)
    {
        int end = input.IndexOf((byte)0);
        if (end < 0)
        {
            throw new BsonFormatException("BSON name or regular expression is not terminated by a NUL byte.");
        }
        string value = DecodeUtf8(input[..end]);
        input = input[(end + 1)..];
        return value;
    }

    // element names repeat from document to document: short ASCII ones come from the name cache
    private static string ReadName(ref ReadOnlySpan<byte> input)
    {
        int end = input.IndexOf((byte)0);
        if (end < 0)
        {
            throw new BsonFormatException("BSON name or regular expression is not terminated by a NUL byte.");
        }
        string name = BsonNameCache.Get(input[..end]) ?? DecodeUtf8(input[..end]);
        input = input[(end + 1)..];
        return name;
    }

    private static void SkipCString(ref ReadOnlySpan<byte> input)
    {
        int end = input.IndexOf((byte)0);
        if (end < 0 || !Utf8.IsValid(input[..end]))
        {
            throw new BsonFormatException("BSON array key is not a NUL-terminated UTF-8 string.");
        }
        input = input[(end + 1)..];
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            throw new BsonFormatException("BSON string is not valid UTF-8.");
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static int ReadInt32(ref ReadOnlySpan<byte> input) => BinaryPrimitives.ReadInt32LittleEndian(Take(ref input, 4));

    private static ReadOnlySpan<byte> Take(ref ReadOnlySpan<byte> input, int count)
    {
        if (count > input.Length)
        {
            throw new BsonFormatException($"BSON value needs {count} bytes but only {input.Length} remain.");
        }
        var taken = input[..count];
        input = input[count..];
        return taken;
    }

    /// <summary>A stack of decoded elements on a reused array; a document takes its own off the top.</summary>
    private struct Scratch(BsonElement[] elements)
    {
        public BsonElement[] Elements { get; private set; } = elements;

        public int Count { get; private set; }

        private int _highWater;

        public void Push(BsonElement element)
        {
            if (Count == Elements.Length)
            {
                var larger = new BsonElement[Elements.Length * 2];
                Elements.CopyTo(larger, 0);
                Elements = larger;
            }
            Elements[Count++] = element;
            _highWater = Math.Max(_highWater, Count);
        }

        /// <summary>The elements from <paramref name="start"/> up, which the caller copies before the next push.</summary>
        public ReadOnlySpan<BsonElement> PopFrom(int start)
        {
            var taken = Elements.AsSpan(start, Count - start);
            Count = start;
            return taken;
        }

        public readonly void Clear() => Array.Clear(Elements, 0, _highWater);
    }
}
