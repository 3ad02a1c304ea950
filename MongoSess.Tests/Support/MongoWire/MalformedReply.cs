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

    /// <summary>The messageLength field is 8, less than the 16-byte header itself.</summary>
    LengthBelowHeader,

    /// <summary>The messageLength field is negative.</summary>
    NegativeLength,

    /// <summary>The messageLength field is smaller than the reply, cutting its body document short (the rest follows).</summary>
    LengthTooShort,

    /// <summary>A correctly framed OP_MSG whose body document's first element has an unknown BSON type.</summary>
    BsonUnknownElementType,

    /// <summary>A correctly framed OP_MSG whose body document does not end with its terminating zero byte.</summary>
    BsonMissingTerminator,

    /// <summary>A correctly framed OP_MSG whose only section has an unknown kind.</summary>
    UnknownSectionKind,

    /// <summary>Half of the reply, then silence with the connection left open, until the client gives up and closes it.</summary>
    TruncatedThenSilent,
}
