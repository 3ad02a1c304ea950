using MongoSessions.Bson;

namespace MongoSessions;

/// <summary>One change to one path of the session data, such as <c>user.name = "ann"</c> or <c>views += 1</c>.</summary>
public readonly struct SessionOperation
{
    private SessionOperation(SessionOperationKind kind, string path, BsonValue? value)
    {
        Kind = kind;
        Path = path;
        BsonValue = value;
    }

    /// <summary>What the operation does.</summary>
    public SessionOperationKind Kind { get; }

    /// <summary>The dotted path inside the session data, for example <c>user.name</c>.</summary>
    public string Path { get; }

    /// <summary>The value to set or push, the amount to add (a long), or null for the other kinds.</summary>
    public object? Value => BsonValue is null ? null : BsonToClrMapper.ToNatural(BsonValue);

    internal BsonValue? BsonValue { get; }

    internal static SessionOperation Set(string path, BsonValue value) => new(SessionOperationKind.Set, path, value);

    internal static SessionOperation Unset(string path) => new(SessionOperationKind.Unset, path, null);

    internal static SessionOperation Increment(string path, long amount) => new(SessionOperationKind.Increment, path, new BsonInt64(amount));

    internal static SessionOperation Push(string path, BsonValue value) => new(SessionOperationKind.Push, path, value);

    internal static SessionOperation Pull(string path) => new(SessionOperationKind.Pull, path, null);

    internal static SessionOperation Clear() => new(SessionOperationKind.Clear, "", null);

    /// <summary>Describes the operation without its value (values may be private).</summary>
    public override string ToString() => $"{Kind} {Path}";
}
