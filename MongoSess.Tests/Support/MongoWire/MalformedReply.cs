namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Ways a faulty server can break a reply; after any of them the server closes the connection.</summary>
internal enum MalformedReply
{
    /// <summary>The header announces the whole reply but only half of it is sent.</summary>
    Truncated,

    /// <summary>The messageLength field is larger than the bytes that follow (which then end).</summary>
    WrongLength,

    /// <summary>A well-formed reply whose responseTo names a different request.</summary>
    WrongResponseTo,

    /// <summary>A header announcing 64 MiB, above maxMessageSizeBytes.</summary>
    OversizedLength,

    /// <summary>A correctly framed OP_MSG whose body document has a corrupt length.</summary>
    InvalidBson,

    /// <summary>A correctly framed message with an opcode that is not OP_MSG.</summary>
    WrongOpcode,
}
