using MongoSessions.Bson;

namespace MongoSessions;

/// <summary>A condition on session data, "the value at <see cref="Path"/> equals <see cref="Value"/>", for <see cref="ISessionStore.DestroyWhereAsync"/>.</summary>
public readonly struct SessionMatch
{
    internal SessionMatch(string path, BsonValue value)
    {
        Path = path;
        BsonValue = value;
    }

    /// <summary>The dotted path inside the session data.</summary>
    public string Path { get; }

    /// <summary>The value to match, as a plain CLR value.</summary>
    public object? Value => BsonToClrMapper.ToNatural(BsonValue);

    internal BsonValue BsonValue { get; }

    /// <summary>True when <paramref name="data"/> holds the value at the path; numbers of any type compare by value, as in MongoDB.</summary>
    public bool IsMatchedBy(SessionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Find(Path) is { } stored && BsonComparison.AreEqual(stored, BsonValue);
    }
}
