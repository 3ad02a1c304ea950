using System.Collections;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>
/// Maps a CLR value to a BSON value: the types BSON has natively map directly, and any other object goes through
/// System.Text.Json's contract (property names, [JsonIgnore], converters) into a nested document.
/// </summary>
internal static class ClrToBsonMapper
{
    // deep enough for real data, shallow enough to stop a cycle long before the stack runs out
    private const int MaxDepth = 64;

    /// <exception cref="ArgumentException">The value, or something inside it, cannot be stored; the message names the key.</exception>
    public static BsonValue Map(object? value, string key)
    {
        BsonValue mapped;
        try
        {
            mapped = MapValue(value, key, 0);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
        {
            throw new ArgumentException($"The value for session key '{key}' cannot be stored: {e.Message}", nameof(value), e);
        }
        // checked here, once for every store: the memory store would keep such a string, the others fail to encode it
        if (FindIllFormedText(mapped, "") is { } path)
        {
            throw new ArgumentException(
                $"The value for session key '{key}' cannot be stored: {(path.Length == 0 ? "it" : $"'{path}' in it")} has a lone UTF-16 surrogate (half of a character, as cutting a string inside an emoji leaves), which BSON cannot hold.",
                nameof(value));
        }
        return mapped;
    }

    /// <returns>The path, inside the value, of the first string or name that is not well-formed UTF-16 ("" for the value itself), or null.</returns>
    private static string? FindIllFormedText(BsonValue value, string path)
    {
        switch (value)
        {
            case BsonString text:
                return Utf16Text.IsWellFormed(text.Value) ? null : path;
            case BsonDocument document:
                foreach (var element in document)
                {
                    string inner = path.Length == 0 ? element.Name : $"{path}.{element.Name}";
                    if (!Utf16Text.IsWellFormed(element.Name))
                    {
                        return inner;
                    }
                    if (FindIllFormedText(element.Value, inner) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case BsonArray array:
                int index = 0;
                foreach (var item in array)
                {
                    if (FindIllFormedText(item, path.Length == 0 ? $"{index}" : $"{path}.{index}") is { } found)
                    {
                        return found;
                    }
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    private static BsonValue MapValue(object? value, string key, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The value for session key '{key}' is nested more than {MaxDepth} levels deep, or refers to itself.", nameof(value));
        }
        switch (value)
        {
            case null: return BsonNull.Value;
            case BsonValue bson: return bson;
            case string s: return new BsonString(s);
            case bool b: return BsonBoolean.Create(b);
            case int i: return BsonInt32.Create(i);
            case long l: return new BsonInt64(l);
            case double d: return new BsonDouble(d);
            case float f: return new BsonDouble(f);
            case decimal m: return new BsonDecimal128(new Decimal128(m));
            case short or byte or sbyte or ushort: return new BsonInt32(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
            case uint u: return new BsonInt64(u);
            case ulong ul when ul <= long.MaxValue: return new BsonInt64((long)ul);
            case ulong: throw new ArgumentException($"The value for session key '{key}' is a ulong above long.MaxValue, which BSON cannot hold.", nameof(value));
            case char c: return new BsonString(c.ToString());
            case DateTime dt: return BsonConversions.FromDateTime(dt);
            case DateTimeOffset dto: return BsonConversions.FromDateTimeOffset(dto);
            case Guid g: return new BsonBinaryData(g, GuidRepresentation.Standard);
            case byte[] bytes: return new BsonBinaryData((byte[])bytes.Clone());
            case JsonElement element: return FromJson(element);
            case IEnumerable<KeyValuePair<string, object?>> pairs: return MapPairs(pairs, key, depth);
            case IDictionary dictionary when IsStringKeyed(dictionary): return MapDictionary(dictionary, key, depth);
            case IDictionary: return FromJson(JsonSerializer.SerializeToElement(value, value.GetType(), BsonJson.Options));
            case IEnumerable items: return MapItems(items, key, depth);
            default: return MapObject(value, key, depth);
        }
    }

    private static bool IsStringKeyed(IDictionary dictionary)
    {
        var type = dictionary.GetType();
        return !type.IsGenericType || type.GetGenericArguments()[0] == typeof(string);
    }

    private static BsonDocument MapPairs(IEnumerable<KeyValuePair<string, object?>> pairs, string key, int depth)
    {
        var document = new BsonDocument();
        foreach (var pair in pairs)
        {
            document.Set(ValidName(pair.Key, key), MapValue(pair.Value, key, depth + 1));
        }
        return document;
    }

    private static BsonDocument MapDictionary(IDictionary dictionary, string key, int depth)
    {
        var document = new BsonDocument();
        foreach (DictionaryEntry entry in dictionary)
        {
            document.Set(ValidName(entry.Key as string, key), MapValue(entry.Value, key, depth + 1));
        }
        return document;
    }

    private static BsonArray MapItems(IEnumerable items, string key, int depth)
    {
        var array = new BsonArray();
        foreach (var item in items)
        {
            array.Add(MapValue(item, key, depth + 1));
        }
        return array;
    }

    private static BsonValue MapObject(object value, string key, int depth)
    {
        var info = BsonJson.Options.GetTypeInfo(value.GetType());
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            // enums, DateOnly, TimeSpan, Uri and types with their own converter: as System.Text.Json writes them
            return FromJson(JsonSerializer.SerializeToElement(value, info));
        }
        var document = new BsonDocument();
        foreach (var property in info.Properties)
        {
            if (property.Get is null)
            {
                continue;
            }
            var propertyValue = property.Get(value);
            if (property.ShouldSerialize is { } shouldSerialize && !shouldSerialize(value, propertyValue))
            {
                continue;
            }
            var mapped = property.CustomConverter is null
                ? MapValue(propertyValue, key, depth + 1)
                : FromJson(JsonSerializer.SerializeToElement(propertyValue, property.PropertyType, BsonJson.Options));
            document.Set(property.Name, mapped);
        }
        return document;
    }

    private static string ValidName(string? name, string key)
    {
        if (name is null || name.Contains('\0'))
        {
            throw new ArgumentException($"The value for session key '{key}' has a dictionary key that is null or contains NUL.", "value");
        }
        return name;
    }

    /// <summary>Maps a JSON value: integers that fit become Int32 or Int64, other numbers Double.</summary>
    public static BsonValue FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var document = new BsonDocument();
                foreach (var property in element.EnumerateObject())
                {
                    document.Set(property.Name, FromJson(property.Value));
                }
                return document;
            case JsonValueKind.Array:
                var array = new BsonArray(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(FromJson(item));
                }
                return array;
            case JsonValueKind.String:
                return new BsonString(element.GetString()!);
            case JsonValueKind.Number:
                if (element.TryGetInt32(out int i))
                {
                    return new BsonInt32(i);
                }
                if (element.TryGetInt64(out long l))
                {
                    return new BsonInt64(l);
                }
                return new BsonDouble(element.GetDouble());
            case JsonValueKind.True:
                return BsonBoolean.True;
            case JsonValueKind.False:
                return BsonBoolean.False;
            default:
                return BsonNull.Value;
        }
    }
}
