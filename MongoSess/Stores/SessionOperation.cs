using MongoDB.Bson;

namespace MongoSessions;

/// <summary>One change to one path of the session data, such as <c>user.name = "ann"</c> or <c>views += 1</c>.</summary>
public readonly struct SessionOperation
{
    private SessionOperation(SessionOperationKind kind, string path, BsonValue? value, SessionArea area = SessionArea.Data)
    {
        Kind = kind;
        Path = path;
        Value = value;
        Area = area;
    }

    /// <summary>The part of the session the path is in: the values, or the flash entries.</summary>
    public SessionArea Area { get; }

    /// <summary>What the operation does.</summary>
    public SessionOperationKind Kind { get; }

    /// <summary>The dotted path inside the <see cref="Area"/>, for example <c>user.name</c>.</summary>
    public string Path { get; }

    /// <summary>The value to set or push, the amount to add (a <see cref="BsonInt64"/>), or null for the other kinds.</summary>
    public BsonValue? Value { get; }

    internal static SessionOperation Set(string path, BsonValue value) => new(SessionOperationKind.Set, path, value);

    internal static SessionOperation Unset(string path) => new(SessionOperationKind.Unset, path, null);

    internal static SessionOperation Increment(string path, long amount) => new(SessionOperationKind.Increment, path, BsonInt64.Create(amount));

    internal static SessionOperation Push(string path, BsonValue value) => new(SessionOperationKind.Push, path, value);

    internal static SessionOperation Pull(string path) => new(SessionOperationKind.Pull, path, null);

    internal static SessionOperation Clear() => new(SessionOperationKind.Clear, "", null);

    internal static SessionOperation FlashSet(string path, BsonValue value) => new(SessionOperationKind.Set, path, value, SessionArea.Flash);

    internal static SessionOperation FlashPull(string path) => new(SessionOperationKind.Pull, path, null, SessionArea.Flash);

    internal static SessionOperation FlashUnset(string path) => new(SessionOperationKind.Unset, path, null, SessionArea.Flash);

    /// <summary>Describes the operation without its value (values may be private).</summary>
    public override string ToString() => Area == SessionArea.Data ? $"{Kind} {Path}" : $"{Kind} {Area}:{Path}";
}
