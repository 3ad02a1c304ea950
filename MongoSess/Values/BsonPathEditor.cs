using MongoDB.Bson;

namespace MongoSessions.Values;

/// <summary>
/// Applies MongoDB's <c>$set</c>, <c>$unset</c> and <c>$inc</c> semantics for dotted paths to a document in memory,
/// so the embedded stores store exactly what MongoDB would.
/// </summary>
internal static class BsonPathEditor
{
    // every Get goes through here: walk the path in place rather than splitting it
    public static BsonValue? Find(BsonDocument document, string path)
    {
        BsonValue current = document;
        var rest = path.AsSpan();
        while (true)
        {
            int dot = rest.IndexOf('.');
            var part = dot < 0 ? rest : rest[..dot];
            switch (current)
            {
                case BsonDocument d when d.TryGetValue(dot < 0 && ReferenceEquals(current, document) ? path : part.ToString(), out var next):
                    current = next;
                    break;
                case BsonArray a when TryIndex(part, out int index) && index < a.Count:
                    current = a[index];
                    break;
                default:
                    return null;
            }
            if (dot < 0)
            {
                return current;
            }
            rest = rest[(dot + 1)..];
        }
    }

    public static void Set(BsonDocument document, string path, BsonValue value)
    {
        var (parent, last) = Walk(document, path, create: true)!.Value;
        Assign(parent, last, value, path);
    }

    public static void Unset(BsonDocument document, string path)
    {
        if (Walk(document, path, create: false) is not var (parent, last))
        {
            return;
        }
        switch (parent)
        {
            case BsonDocument d:
                d.Remove(last);
                break;
            // MongoDB's $unset of an array element sets it to null rather than shifting the array
            case BsonArray a when TryIndex(last, out int index) && index < a.Count:
                a[index] = BsonNull.Value;
                break;
        }
    }

    /// <summary>Appends to the array at the path, creating it when missing (MongoDB $push).</summary>
    public static void Push(BsonDocument document, string path, BsonValue value)
    {
        var (parent, last) = Walk(document, path, create: true)!.Value;
        var current = ValueAt(parent, last);
        switch (current)
        {
            case null:
                Assign(parent, last, new BsonArray().Add(value), path);
                break;
            case BsonArray array:
                array.Add(value);
                break;
            default:
                throw new InvalidOperationException($"Cannot push to session key '{path}': it holds a {current.BsonType}, not an array.");
        }
    }

    /// <returns>The new value.</returns>
    public static BsonValue Increment(BsonDocument document, string path, long amount)
    {
        var (parent, last) = Walk(document, path, create: true)!.Value;
        var current = ValueAt(parent, last);
        BsonValue next = current switch
        {
            null => BsonInt64.Create(amount),
            BsonInt32 i => BsonInt64.Create(CheckedAdd(i.Value, amount, path)),
            BsonInt64 l => BsonInt64.Create(CheckedAdd(l.Value, amount, path)),
            BsonDouble d => new BsonDouble(d.Value + amount),
            BsonDecimal128 m => new BsonDecimal128(new Decimal128(Decimal128.ToDecimal(m.Value) + amount)),
            _ => throw new InvalidOperationException($"Cannot increment session key '{path}': it holds a {current.BsonType}, not a number."),
        };
        Assign(parent, last, next, path);
        return next;
    }

    private static BsonValue? ValueAt(BsonValue parent, string name) => parent switch
    {
        BsonDocument d => d.GetValue(name, null),
        BsonArray a when TryIndex(name, out int index) && index < a.Count => a[index],
        _ => null,
    };

    private static long CheckedAdd(long value, long amount, string path)
    {
        try
        {
            return checked(value + amount);
        }
        catch (OverflowException)
        {
            throw new InvalidOperationException($"Cannot increment session key '{path}': the result would overflow a 64-bit integer.");
        }
    }

    // finds the container of the last path part; with create, makes missing documents on the way, as $set does
    private static (BsonValue Parent, string Last)? Walk(BsonDocument document, string path, bool create)
    {
        if (!path.Contains('.'))
        {
            // a top-level key, the common case: the document itself is the container
            return (document, path);
        }
        var parts = path.Split('.');
        BsonValue current = document;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var part = parts[i];
            BsonValue? next = current switch
            {
                BsonDocument d => d.GetValue(part, null),
                BsonArray a when TryIndex(part, out int index) && index < a.Count => a[index],
                _ => null,
            };
            if (next is null or BsonNull && !create)
            {
                return null;
            }
            if (next is null)
            {
                if (current is BsonArray && !TryIndex(part, out _))
                {
                    throw PathNotViable(path, part, current);
                }
                next = new BsonDocument();
                Assign(current, part, next, path);
            }
            else if (next is not (BsonDocument or BsonArray))
            {
                if (!create)
                {
                    return null;
                }
                throw PathNotViable(path, part, next);
            }
            current = next;
        }
        if (current is BsonArray && !TryIndex(parts[^1], out _))
        {
            if (!create)
            {
                return null;
            }
            throw PathNotViable(path, parts[^1], current);
        }
        return (current, parts[^1]);
    }

    private static void Assign(BsonValue parent, string name, BsonValue value, string path)
    {
        if (parent is BsonDocument document)
        {
            document.Set(name, value);
            return;
        }
        var array = (BsonArray)parent;
        if (!TryIndex(name, out int index) || index > 1_000_000)
        {
            throw PathNotViable(path, name, array);
        }
        // as MongoDB: setting past the end pads the array with nulls
        while (array.Count <= index)
        {
            array.Add(BsonNull.Value);
        }
        array[index] = value;
    }

    private static bool TryIndex(ReadOnlySpan<char> part, out int index) =>
        int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);

    private static InvalidOperationException PathNotViable(string path, string part, BsonValue blocking) =>
        new($"Cannot write session key '{path}': '{part}' is inside a {blocking.BsonType}, not a document.");
}
