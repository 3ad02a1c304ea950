using System.Globalization;
using System.Text;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Renders values the way mongod's error messages quote them, e.g. <c>{ _id: "abc" }</c>.</summary>
internal static class ShellText
{
    public static string Of(BsonValue value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    /// <summary>The type alias mongod uses in messages ("string", "int", "object", ...).</summary>
    public static string TypeName(BsonValue value) => value switch
    {
        BsonDouble => "double",
        BsonString => "string",
        BsonDocument => "object",
        BsonArray => "array",
        BsonBinaryData => "binData",
        BsonObjectId => "objectId",
        BsonBoolean => "bool",
        BsonDateTime => "date",
        BsonNull => "null",
        BsonInt32 => "int",
        BsonTimestamp => "timestamp",
        BsonInt64 => "long",
        BsonDecimal128 => "decimal",
        _ => value.BsonType.ToString(),
    };

    private static void Write(StringBuilder text, BsonValue value)
    {
        switch (value)
        {
            case BsonDocument d:
                text.Append('{');
                for (int i = 0; i < d.ElementCount; i++)
                {
                    text.Append(i == 0 ? " " : ", ").Append(d.GetElement(i).Name).Append(": ");
                    Write(text, d.GetElement(i).Value);
                }
                text.Append(d.ElementCount == 0 ? "}" : " }");
                break;
            case BsonArray a:
                text.Append('[');
                for (int i = 0; i < a.Count; i++)
                {
                    text.Append(i == 0 ? " " : ", ");
                    Write(text, a[i]);
                }
                text.Append(a.Count == 0 ? "]" : " ]");
                break;
            case BsonString s:
                text.Append('"').Append(s.Value.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case BsonInt32 i:
                text.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonInt64 l:
                text.Append(l.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonDouble d:
                text.Append(d.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case BsonBoolean b:
                text.Append(b.Value ? "true" : "false");
                break;
            case BsonNull:
                text.Append("null");
                break;
            case BsonObjectId o:
                text.Append("ObjectId('").Append(o.Value.ToString()).Append("')");
                break;
            case BsonDateTime t:
                text.Append("new Date(").Append(t.MillisecondsSinceEpoch.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            default:
                text.Append(value.BsonType.ToString());
                break;
        }
    }
}
