using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions;

/// <summary>The queries the MongoDB store sends: live and expired sessions, by the stored dates.</summary>
internal static class MongoFilters
{
    public static BsonDocument Live(string id, DateTimeOffset now) => Live(now).Add("_id", id);

    // live: before the idle expiry, and before the absolute one when there is one; the TTL monitor runs only once a
    // minute, so an expired document can still be there and every read filters it out
    public static BsonDocument Live(DateTimeOffset now) => new BsonDocument()
        .Add("expiresAt", Compare("$gt", now))
        .Add("$or", new BsonArray()
            .Add(new BsonDocument("absoluteExpiresAt", new BsonDocument("$exists", false)))
            .Add(new BsonDocument("absoluteExpiresAt", Compare("$gt", now))));

    public static BsonDocument Expired(DateTimeOffset now) => new BsonDocument()
        .Add("$or", new BsonArray()
            .Add(new BsonDocument("expiresAt", Compare("$lte", now)))
            .Add(new BsonDocument("absoluteExpiresAt", Compare("$lte", now))));

    private static BsonDocument Compare(string op, DateTimeOffset instant) => new(op, BsonConversions.FromDateTimeOffset(instant));
}
