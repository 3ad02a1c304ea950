namespace MongoSessions.Tests.Support.MongoWire;

internal enum WireFaultKind
{
    CloseBeforeExecute,
    CloseAfterExecute,
    Fail,
    Malformed,
}
