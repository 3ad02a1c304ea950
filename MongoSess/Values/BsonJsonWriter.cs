using System.Text.Json;
using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>Writes a BSON value as the JSON System.Text.Json reads back into CLR types (dates as ISO 8601, GUIDs as text, binary as base64).</summary>
internal static class BsonJsonWriter
{
    public static void Write(Utf8JsonWriter writer, BsonValue value)
    {
        switch (value)
        {
            case BsonDocument document:
                writer.WriteStartObject();
                foreach (var element in document)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value);
                }
                writer.WriteEndObject();
                break;
            case BsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case BsonString s: writer.WriteStringValue(s.Value); break;
            case BsonInt32 i: writer.WriteNumberValue(i.Value); break;
            case BsonInt64 l: writer.WriteNumberValue(l.Value); break;
            case BsonDouble d when double.IsFinite(d.Value): writer.WriteNumberValue(d.Value); break;
            case BsonDouble d: writer.WriteStringValue(d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case BsonDecimal128 m when BsonConversions.ToDecimal(m) is { } number: writer.WriteNumberValue(number); break;
            case BsonBoolean b: writer.WriteBooleanValue(b.Value); break;
            case BsonDateTime dt when BsonConversions.ToUtcDateTime(dt) is { } date: writer.WriteStringValue(date); break;
            case BsonDateTime dt: writer.WriteNumberValue(dt.MillisecondsSinceEpoch); break;
            case BsonBinaryData { SubType: BsonBinarySubType.UuidStandard, Bytes.Length: 16 } uuid: writer.WriteStringValue(new Guid(uuid.Bytes, bigEndian: true)); break;
            case BsonBinaryData binary: writer.WriteBase64StringValue(binary.Bytes); break;
            case BsonNull or BsonUndefined: writer.WriteNullValue(); break;
            default: writer.WriteStringValue(BsonToClrMapper.ToNatural(value)?.ToString()); break;
        }
    }
}
