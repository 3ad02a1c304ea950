namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>One framed message: the standard 16-byte header's fields and the bytes after the header.</summary>
internal sealed record WireMessage(int RequestId, int ResponseTo, int OpCode, byte[] Body);
