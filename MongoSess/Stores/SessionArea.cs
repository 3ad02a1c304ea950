namespace MongoSessions;

/// <summary>Which part of the stored session an operation changes.</summary>
public enum SessionArea
{
    /// <summary>The session's values (<c>data</c>).</summary>
    Data,

    /// <summary>Flash entries waiting for the next request (<c>flash</c>).</summary>
    Flash,
}
