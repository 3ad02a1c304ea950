using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// find as the session store sends it: filter, limit, batchSize, singleBatch (never sort, skip or projection); reply
/// <c>{ cursor: { firstBatch, id, ns }, ok: 1 }</c>.
/// </summary>
internal static class FindCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var filter = context.Document("filter") ?? [];
        if (context.Document("sort") is not null || context.Document("projection") is not null || context.Long("skip") is > 0)
        {
            throw MongoCommandError.BadValue("the test server does not support find with sort, projection or skip");
        }
        long? limit = context.Long("limit") is > 0 and var l ? l : null;
        long? batchSize = context.Long("batchSize");
        List<BsonDocument> results;
        lock (context.Store.Gate)
        {
            var matching = context.Store.Find(context.Database, context.Collection)?.Matching(filter) ?? [];
            results = [.. matching.Take((int)Math.Min(limit ?? int.MaxValue, int.MaxValue)).Select(d => d.DeepClone().AsBsonDocument)];
        }
        if (limit is { } max && batchSize is null or > 0)
        {
            batchSize = Math.Min(batchSize ?? max, max);
        }
        return context.Server.Cursors.FirstBatch(context.Namespace, results, batchSize, context.Bool("singleBatch"));
    }
}
