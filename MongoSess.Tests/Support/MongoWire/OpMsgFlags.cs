namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>OP_MSG flagBits (OP_MSG spec, "flagBits").</summary>
[Flags]
internal enum OpMsgFlags : uint
{
    None = 0,
    ChecksumPresent = 1 << 0,
    MoreToCome = 1 << 1,
    ExhaustAllowed = 1 << 16,
}
