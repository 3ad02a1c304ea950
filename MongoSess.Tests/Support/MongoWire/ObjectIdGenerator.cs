using System.Buffers.Binary;
using System.Security.Cryptography;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>New ObjectIds as mongod makes them: 4-byte seconds, 5 random bytes per process, a 3-byte counter.</summary>
internal static class ObjectIdGenerator
{
    private static readonly byte[] s_random = RandomNumberGenerator.GetBytes(5);
    private static int s_counter = RandomNumberGenerator.GetInt32(0xFFFFFF);

    public static BsonObjectId Next(TimeProvider clock)
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)clock.GetUtcNow().ToUnixTimeSeconds());
        s_random.CopyTo(bytes, 4);
        int counter = Interlocked.Increment(ref s_counter) & 0xFFFFFF;
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return new BsonObjectId(new ObjectId(bytes));
    }
}
