namespace MongoSessions.Mongo.Protocol;

/// <summary>The wire protocol opcodes the client uses (OP_MSG spec; OP_QUERY/OP_REPLY only for the first handshake).</summary>
internal enum OpCode
{
    Reply = 1,
    Query = 2004,
    Msg = 2013,
}
