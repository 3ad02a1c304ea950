using MongoSessions.Bson;

namespace MongoSessions.Mongo;

/// <summary>One server session: its lsid and the last transaction number used with it.</summary>
internal sealed class ServerSession
{
    private long _txnNumber;

    public BsonDocument Id { get; } = new BsonDocument().Add("id", new BsonBinary(BsonBinary.UuidSubtype, Guid.NewGuid().ToByteArray(bigEndian: true)));

    public long LastUsedTicks { get; set; } = Environment.TickCount64;

    public long NextTxnNumber() => ++_txnNumber;
}
