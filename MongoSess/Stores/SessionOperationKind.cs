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

    /// <summary>Appends the value to the array at the path, creating it when missing; a non-array is an error (MongoDB <c>$push</c>).</summary>
    Push,

    /// <summary>Removes the path and reports the value it had (MongoDB <c>findAndModify</c> returning the old document).</summary>
    Pull,

    /// <summary>Removes every value of the session; the path is empty.</summary>
    Clear,
}
