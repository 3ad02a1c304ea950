namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>How the dispatcher treats a command: auth, replica-set role checks and retryability follow from it.</summary>
internal enum CommandKind
{
    /// <summary>Allowed before authentication (hello, SASL, ping).</summary>
    NoAuth,

    /// <summary>Needs a primary, or secondaryOk on a secondary.</summary>
    Read,

    /// <summary>Needs the primary.</summary>
    Write,

    /// <summary>A write that may carry lsid + txnNumber and is then retryable.</summary>
    RetryableWrite,

    /// <summary>Runs on any member (getMore, killCursors, endSessions).</summary>
    Any,
}
