using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>count: query, skip, limit; reply <c>{ n, ok: 1 }</c>.</summary>
internal static class CountCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var query = context.Document("query") ?? [];
        long skip = Math.Max(context.Long("skip") ?? 0, 0);
        long limit = Math.Abs(context.Long("limit") ?? 0);
        int n;
        lock (context.Store.Gate)
        {
            n = context.Store.Find(context.Database, context.Collection)?.Matching(query).Count() ?? 0;
        }
        long counted = Math.Max(n - skip, 0);
        if (limit > 0)
        {
            counted = Math.Min(counted, limit);
        }
        return new BsonDocument().Add("n", new BsonInt32((int)counted)).Add("ok", new BsonDouble(1));
    }
}
