using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>A sort on one or more fields, ascending (1) or descending (-1), in MongoDB's comparison order.</summary>
internal sealed class SortSpec : IComparer<BsonDocument>
{
    private readonly List<(string Path, int Direction)> _keys = [];

    private SortSpec(BsonDocument spec)
    {
        foreach (var element in spec)
        {
            int direction = BsonNumber.IsNumber(element.Value) ? Math.Sign(BsonNumber.ToDouble(element.Value)) : 0;
            if (direction == 0)
            {
                throw MongoCommandError.BadValue($"$sort key ordering must be 1 (for ascending) or -1 (for descending)");
            }
            _keys.Add((element.Name, direction));
        }
    }

    public static SortSpec? From(BsonValue? spec) => spec is BsonDocument d && d.ElementCount > 0 ? new SortSpec(d) : null;

    public int Compare(BsonDocument? x, BsonDocument? y)
    {
        foreach (var (path, direction) in _keys)
        {
            int c = BsonOrder.Compare(Key(x!, path, direction), Key(y!, path, direction));
            if (c != 0)
            {
                return c * direction;
            }
        }
        return 0;
    }

    // an array sorts by its smallest element ascending and its largest descending; a missing field sorts as null
    private static BsonValue Key(BsonDocument document, string path, int direction)
    {
        var values = DocumentPath.Values(document, path).Where(v => v is not BsonArray || ((BsonArray)v).Count == 0).ToList();
        if (values.Count == 0)
        {
            return BsonNull.Value;
        }
        values.Sort(BsonOrder.Compare);
        return direction > 0 ? values[0] : values[^1];
    }

    public List<BsonDocument> Sort(IEnumerable<BsonDocument> documents)
    {
        // a stable sort, so ties keep natural order as they usually do in mongod
        return [.. documents.Order(this)];
    }
}
