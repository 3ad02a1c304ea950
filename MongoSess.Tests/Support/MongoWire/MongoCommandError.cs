using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Thrown inside a command to fail it with mongod's error reply <c>{ ok: 0, errmsg, code, codeName }</c>.</summary>
internal sealed class MongoCommandError(int code, string message, BsonDocument? extra = null) : Exception(message)
{
    public int Code { get; } = code;

    /// <summary>Fields mongod adds to this error's reply, such as keyPattern and keyValue for a duplicate key.</summary>
    public BsonDocument? Extra { get; } = extra;

    public BsonDocument ToReply()
    {
        var reply = new BsonDocument()
            .Add("ok", new BsonDouble(0))
            .Add("errmsg", new BsonString(Message))
            .Add("code", new BsonInt32(Code))
            .Add("codeName", new BsonString(MongoErrorCodes.NameOf(Code)));
        foreach (var element in Extra ?? [])
        {
            reply.Add(element.Name, element.Value);
        }
        return reply;
    }

    public static MongoCommandError Parse(string message) => new(MongoErrorCodes.FailedToParse, message);

    public static MongoCommandError BadValue(string message) => new(MongoErrorCodes.BadValue, message);
}
