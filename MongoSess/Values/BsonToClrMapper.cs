using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>Maps stored BSON values back to CLR values: to their natural type, or to a type the caller asks for.</summary>
internal static class BsonToClrMapper
{
    /// <summary>
    /// The natural CLR value: int, long, double, decimal, string, bool, DateTime (UTC), Guid, byte[],
    /// List&lt;object?&gt; for arrays and Dictionary&lt;string, object?&gt; for documents.
    /// </summary>
    public static object? ToNatural(BsonValue value)
    {
        switch (value)
        {
            case BsonNull or BsonUndefined: return null;
            case BsonString s: return s.Value;
            case BsonInt32 i: return i.Value;
            case BsonInt64 l: return l.Value;
            case BsonDouble d: return d.Value;
            case BsonBoolean b: return b.Value;
            case BsonDateTime dt: return (object?)BsonConversions.ToUtcDateTime(dt) ?? dt.MillisecondsSinceEpoch;
            // written by another program beyond decimal's range: NaN says "not representable" without throwing on a read
            case BsonDecimal128 m: return (object?)BsonConversions.ToDecimal(m) ?? double.NaN;
            case BsonBinaryData { SubType: BsonBinarySubType.UuidStandard, Bytes.Length: 16 } uuid: return new Guid(uuid.Bytes, bigEndian: true);
            case BsonBinaryData binary: return binary.Bytes.Clone();
            case BsonArray array:
                var list = new List<object?>(array.Count);
                foreach (var item in array)
                {
                    list.Add(ToNatural(item));
                }
                return list;
            case BsonDocument document:
                var dictionary = new Dictionary<string, object?>(document.ElementCount, StringComparer.Ordinal);
                foreach (var element in document)
                {
                    dictionary[element.Name] = ToNatural(element.Value);
                }
                return dictionary;
            case BsonObjectId oid: return oid.Value.ToString();
            case BsonSymbol symbol: return symbol.Name;
            case BsonJavaScript code: return code.Code;
            case BsonTimestamp ts: return ts.Value;
            default: return value.ToString();
        }
    }

    /// <summary>Converts a stored value to <typeparamref name="T"/>; a missing or null value gives default.</summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>; the message names the key.</exception>
    public static T? ConvertTo<T>(BsonValue? value, string key)
    {
        if (value is null or BsonNull or BsonUndefined)
        {
            return default;
        }
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            var natural = target == typeof(object) || IsPrimitiveTarget(target) ? ToNatural(value) : null;
            if (natural is T direct)
            {
                return direct;
            }
            if (natural is not null && IsNumeric(natural) && IsNumericType(target))
            {
                return (T)Convert.ChangeType(natural, target, CultureInfo.InvariantCulture);
            }
            if (target == typeof(DateTimeOffset) && natural is DateTime dateTime)
            {
                return (T)(object)new DateTimeOffset(dateTime);
            }
            return ThroughJson<T>(value);
        }
        catch (Exception e) when (e is JsonException or OverflowException or InvalidCastException or FormatException or NotSupportedException)
        {
            throw new InvalidCastException($"The session value '{key}' ({Describe(value)}) cannot be read as {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static T? ThroughJson<T>(BsonValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            BsonJsonWriter.Write(writer, value);
        }
        return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, BsonJson.Options);
    }

    private static bool IsPrimitiveTarget(Type type) =>
        type.IsPrimitive || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(Guid) || type == typeof(byte[]);

    private static bool IsNumeric(object value) => value is int or long or double or decimal;

    private static bool IsNumericType(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(decimal) || type == typeof(float)
        || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong);

    private static string Describe(BsonValue value) => value.BsonType.ToString();
}
