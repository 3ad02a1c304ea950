namespace MongoSessions;

/// <summary>What a <see cref="SessionOperation"/> does to its path.</summary>
public enum SessionOperationKind
{
    /// <summary>Sets the path to the value, creating missing parent documents (MongoDB <c>$set</c>).</summary>
    Set,

    /// <summary>Removes the path; a missing path is not an error (MongoDB <c>$unset</c>).</summary>
    Unset,

    /// <summary>Adds the amount to the number at the path, starting from zero when it is missing (MongoDB <c>$inc</c>).</summary>
    Increment,
}
