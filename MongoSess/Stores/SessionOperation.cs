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

    /// <summary>Sets the value at a path of the data (MongoDB <c>$set</c>), creating the documents on the way.</summary>
    public static SessionOperation Set(string path, BsonValue value) => new(SessionOperationKind.Set, path, value);

    /// <summary>Removes the value at a path of the data (<c>$unset</c>); a missing path is not an error.</summary>
    public static SessionOperation Unset(string path) => new(SessionOperationKind.Unset, path, null);

    /// <summary>Adds to the number at a path of the data (<c>$inc</c>); a missing path counts as 0.</summary>
    public static SessionOperation Increment(string path, long amount) => new(SessionOperationKind.Increment, path, BsonInt64.Create(amount));

    /// <summary>Appends to the array at a path of the data (<c>$push</c>), creating it when missing.</summary>
    public static SessionOperation Push(string path, BsonValue value) => new(SessionOperationKind.Push, path, value);

    /// <summary>Removes the value at a path of the data and reports its old value in <see cref="SessionWriteResult.Values"/>.</summary>
    public static SessionOperation Pull(string path) => new(SessionOperationKind.Pull, path, null);

    /// <summary>Removes every value of the data.</summary>
    public static SessionOperation Clear() => new(SessionOperationKind.Clear, "", null);

    /// <summary>Sets a flash entry (<c>flash.&lt;key&gt;.&lt;entry&gt;</c>).</summary>
    public static SessionOperation FlashSet(string path, BsonValue value) => new(SessionOperationKind.Set, path, value, SessionArea.Flash);

    /// <summary>Removes a flash entry and reports its old value in <see cref="SessionWriteResult.FlashValues"/>.</summary>
    public static SessionOperation FlashPull(string path) => new(SessionOperationKind.Pull, path, null, SessionArea.Flash);

    /// <summary>Removes a flash entry.</summary>
    public static SessionOperation FlashUnset(string path) => new(SessionOperationKind.Unset, path, null, SessionArea.Flash);

    /// <summary>Describes the operation without its value (values may be private).</summary>
    public override string ToString() => Area == SessionArea.Data ? $"{Kind} {Path}" : $"{Kind} {Area}:{Path}";
}
