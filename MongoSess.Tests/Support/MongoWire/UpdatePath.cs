using System.Globalization;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// One dotted path as mongod's update operators walk it: a part names a field of a document or, when numeric, an
/// element of an array. Unlike the matcher's <see cref="DocumentPath"/>, it never fans out over array elements.
/// </summary>
internal static class UpdatePath
{
    /// <summary>The value at <paramref name="path"/>, or null when it is missing or runs through a scalar.</summary>
    public static BsonValue? Find(BsonDocument document, string path)
    {
        BsonValue current = document;
        foreach (string part in path.Split('.'))
        {
            if (Child(current, part) is not { } next)
            {
                return null;
            }
            current = next;
        }
        return current;
    }

    /// <summary>Sets the value, creating missing parents as documents (and padding an array with nulls up to an index).</summary>
    /// <exception cref="MongoCommandError">A parent is neither a document nor an array it can index (28 PathNotViable).</exception>
    public static void Set(BsonDocument document, string path, BsonValue value)
    {
        var parts = path.Split('.');
        BsonValue parent = document;
        string parentName = "";
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool last = i == parts.Length - 1;
            var existing = Child(parent, part);
            if (existing is null)
            {
                existing = last ? value : new BsonDocument();
                Put(parent, parentName, part, existing);
                if (last)
                {
                    return;
                }
            }
            else if (last)
            {
                Put(parent, parentName, part, value);
                return;
            }
            parent = existing;
            parentName = part;
        }
    }

    /// <summary>Removes the field; an array element becomes null instead, as mongod's $unset does.</summary>
    /// <returns>Whether anything was there to remove (a path through a scalar has nothing).</returns>
    public static bool Unset(BsonDocument document, string path)
    {
        int dot = path.LastIndexOf('.');
        var parent = dot < 0 ? document : Find(document, path[..dot]);
        string name = path[(dot + 1)..];
        switch (parent)
        {
            case BsonDocument d when d.Contains(name):
                d.Remove(name);
                return true;
            case BsonArray a when IndexOf(name) is { } index && index < a.Count:
                bool changed = a[index] is not BsonNull;
                a[index] = BsonNull.Value;
                return changed;
            default:
                return false;
        }
    }

    /// <summary>The last part of a path, as mongod names the field in its messages.</summary>
    public static string LastPart(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static BsonValue? Child(BsonValue parent, string part) => parent switch
    {
        BsonDocument d => d.GetValue(part, null),
        BsonArray a when IndexOf(part) is { } index => index < a.Count ? a[index] : null,
        _ => null,
    };

    private static void Put(BsonValue parent, string parentName, string part, BsonValue value)
    {
        switch (parent)
        {
            case BsonDocument d:
                d.Set(part, value);
                return;
            case BsonArray a when IndexOf(part) is { } index:
                while (a.Count <= index)
                {
                    a.Add(BsonNull.Value);
                }
                a[index] = value;
                return;
            default:
                throw new MongoCommandError(MongoErrorCodes.PathNotViable, $"Cannot create field '{part}' in element {{{parentName}: {ShellText.Of(parent)}}}");
        }
    }

    private static int? IndexOf(string part) =>
        part.Length is > 0 and < 10 && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : null;
}
