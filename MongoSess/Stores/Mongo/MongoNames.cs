namespace MongoSessions;

/// <summary>MongoDB's naming rules, checked before anything connects so that a typo fails with a clear message.</summary>
internal static class MongoNames
{
    // database names exclude /\. "$*<>:|? and NUL, and are at most 63 bytes
    public static void CheckDatabase(string database)
    {
        if (database.Length == 0 || database.Length > 63 || database.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0']) >= 0)
        {
            throw new MongoSessConfigurationException($"'{database}' is not a valid MongoDB database name.");
        }
    }

    // collection names cannot be empty, start with system. or hold $ or NUL
    public static void CheckCollection(string collection)
    {
        if (string.IsNullOrEmpty(collection) || collection.Contains('$') || collection.Contains('\0') || collection.StartsWith("system.", StringComparison.Ordinal))
        {
            throw new MongoSessConfigurationException($"'{collection}' is not a valid MongoDB collection name.");
        }
    }
}
