namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Opcodes of the MongoDB wire protocol that the test server knows.</summary>
internal static class WireOpcode
{
    public const int Reply = 1;
    public const int Query = 2004;
    public const int Msg = 2013;
}
