namespace MongoSessions.Mongo;

/// <summary>
/// The path after the hosts: the database (connection string spec, "Auth Database") and, a MongoSess extension
/// carried over from koa-session-mongo, a second segment naming the collection: <c>mongodb://host/db/collection</c>.
/// </summary>
internal static class PathParser
{
    // connection string spec: these may not appear in a decoded database name; '.' may (a namespace or a dotted name)
    private const string ForbiddenInDatabase = "/\\ \"$";

    public static (string? Database, string? Collection) Parse(string path)
    {
        string[] segments = path.Split('/');
        if (segments.Length > 2)
        {
            throw Error("The connection string's path has more than two segments; write /database or /database/collection, " +
                "and percent-encode a '/' inside a name as %2F.");
        }
        string? database = Decode(segments[0], "database");
        string? collection = segments.Length == 2 ? Decode(segments[1], "collection") : null;
        if (database is not null && database.AsSpan().IndexOfAny(ForbiddenInDatabase) >= 0)
        {
            throw Error("The database name in the connection string contains a character MongoDB does not allow in one " +
                "('/', '\\', space, '\"' or '$').");
        }
        if (collection is not null && (database is null || collection.Contains('$') || collection.Contains('\0')))
        {
            throw Error("The collection in the connection string's path needs a database before it and cannot contain '$'.");
        }
        return (database, collection);
    }

    private static string? Decode(string segment, string what)
    {
        if (segment.Length == 0)
        {
            return null;
        }
        return PercentDecoding.TryDecode(segment)
            ?? throw Error($"The {what} name in the connection string has a malformed percent escape; encode '%' as %25.");
    }

    private static MongoSessConfigurationException Error(string message) => new(message);
}
