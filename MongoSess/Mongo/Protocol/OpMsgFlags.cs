namespace MongoSessions.Mongo.Protocol;

/// <summary>OP_MSG flag bits. OP_MSG spec: bits 0–15 are required, so a reply with an unknown one set is invalid.</summary>
[Flags]
internal enum OpMsgFlags : uint
{
    None = 0,
    ChecksumPresent = 1 << 0,
    MoreToCome = 1 << 1,
    ExhaustAllowed = 1 << 16,
    RequiredMask = 0xFFFF,
}
