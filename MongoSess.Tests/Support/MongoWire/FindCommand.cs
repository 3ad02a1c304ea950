using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>find: filter, sort, projection, skip, limit, batchSize, singleBatch; reply <c>{ cursor: { firstBatch, id, ns }, ok: 1 }</c>.</summary>
internal static class FindCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var filter = context.Document("filter") ?? [];
        var sort = SortSpec.From(context.Document("sort"));
        var projection = Projection.From(context.Document("projection"));
        long skip = NonNegative(context, "skip") ?? 0;
        long? limit = NonNegative(context, "limit") is > 0 and var l ? l : null;
        long? batchSize = NonNegative(context, "batchSize");
        List<BsonDocument> results;
        lock (context.Store.Gate)
        {
            results = Query(context.Store.Find(context.Database, context.Collection), filter, sort, skip, limit, projection);
        }
        if (limit is { } max && batchSize is null or > 0)
        {
            batchSize = Math.Min(batchSize ?? max, max);
        }
        return context.Server.Cursors.FirstBatch(context.Namespace, results, batchSize, context.Bool("singleBatch"));
    }

    /// <summary>Matching documents, sorted, skipped, limited and projected, as copies.</summary>
    public static List<BsonDocument> Query(WireCollection? collection, BsonDocument filter, SortSpec? sort, long skip, long? limit, Projection? projection)
    {
        if (collection is null)
        {
            return [];
        }
        IEnumerable<BsonDocument> matching = collection.Matching(filter).ToList();
        if (sort is not null)
        {
            matching = sort.Sort(matching);
        }
        matching = matching.Skip((int)Math.Min(skip, int.MaxValue));
        if (limit is { } max)
        {
            matching = matching.Take((int)Math.Min(max, int.MaxValue));
        }
        return [.. matching.Select(d => projection?.Apply(d) ?? d.DeepClone().AsBsonDocument)];
    }

    private static long? NonNegative(CommandContext context, string field)
    {
        long? value = context.Long(field);
        if (value < 0)
        {
            throw new MongoCommandError(51024, $"BSON field '{field}' value must be >= 0, actual value '{value}'");
        }
        return value;
    }
}
