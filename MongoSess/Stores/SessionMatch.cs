using MongoDB.Bson;
using MongoSessions.Values;

namespace MongoSessions;

/// <summary>A condition on session data, "the value at <see cref="Path"/> equals <see cref="Value"/>", for <see cref="ISessionStore.EndWhereAsync"/>.</summary>
public readonly struct SessionMatch
{
    /// <summary>Creates the condition "the value at <paramref name="path"/> equals <paramref name="value"/>".</summary>
    public SessionMatch(string path, BsonValue value)
    {
        Path = path;
        Value = value;
    }

    /// <summary>The dotted path inside the session data.</summary>
    public string Path { get; }

    /// <summary>The value to match.</summary>
    public BsonValue Value { get; }

    /// <summary>True when <paramref name="data"/> holds the value at the path; numbers of any type compare by value, as in MongoDB.</summary>
    public bool IsMatchedBy(SessionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Find(Path) is { } stored && BsonComparison.AreEqual(stored, Value);
    }
}
