namespace MongoSessions.Mongo;

/// <summary>How the client reacts to server error codes (SDAM "not writable primary" and "node is recovering", retryable writes and reads).</summary>
internal static class ServerErrors
{
    private static readonly HashSet<int> s_notWritablePrimary = [10107, 13435, 10058];
    private static readonly HashSet<int> s_nodeIsRecovering = [11600, 11602, 13436, 189, 91];
    private static readonly HashSet<int> s_shutdown = [11600, 91];
    private static readonly HashSet<int> s_retryable = [11600, 11602, 10107, 13435, 13436, 189, 91, 7, 6, 89, 9001, 262];

    /// <summary>The server is no longer primary or is recovering: mark it unknown and select again.</summary>
    public static bool IsStateChange(MongoSessCommandException e) => s_notWritablePrimary.Contains(e.Code) || s_nodeIsRecovering.Contains(e.Code);

    /// <summary>SDAM: from MongoDB 4.2 only shutdown errors mean the pool's connections are dead.</summary>
    public static bool ClearsPool(MongoSessCommandException e, int maxWireVersion) =>
        s_shutdown.Contains(e.Code) || (maxWireVersion < 8 && IsStateChange(e));

    /// <summary>Retryable writes spec: from MongoDB 4.4 (wire 9) the server labels what may be retried; before, a code list says.</summary>
    public static bool IsRetryableWrite(MongoSessCommandException e, int maxWireVersion) =>
        maxWireVersion >= 9 ? e.ErrorLabels.Contains("RetryableWriteError") : s_retryable.Contains(e.Code);

    public static bool IsRetryableRead(MongoSessCommandException e) => s_retryable.Contains(e.Code);
}
