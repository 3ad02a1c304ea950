using MongoSessions.Bson;

namespace MongoSessions.Mongo.Connections;

/// <summary>Turns a command reply with <c>ok: 0</c> into a <see cref="MongoSessCommandException"/>.</summary>
internal static class CommandReply
{
    public static BsonDocument EnsureOk(BsonDocument reply)
    {
        if (IsOk(reply["ok"]))
        {
            return reply;
        }
        int code = reply["code"] switch
        {
            BsonInt32 i => i.Value,
            BsonInt64 l => (int)l.Value,
            BsonDouble d => (int)d.Value,
            _ => 0,
        };
        var codeName = reply["codeName"] is BsonString name ? name.Value : null;
        var message = reply["errmsg"] is BsonString errmsg ? errmsg.Value : "the command failed";
        return Throw(code, codeName, message, Labels(reply));
    }

    public static IReadOnlyList<string> Labels(BsonDocument reply)
    {
        if (reply["errorLabels"] is not BsonArray array)
        {
            return [];
        }
        var labels = new List<string>(array.Count);
        foreach (var label in array)
        {
            if (label is BsonString s)
            {
                labels.Add(s.Value);
            }
        }
        return labels;
    }

    private static bool IsOk(BsonValue? ok) => ok switch
    {
        BsonDouble d => d.Value == 1,
        BsonInt32 i => i.Value == 1,
        BsonInt64 l => l.Value == 1,
        BsonBoolean b => b.Value,
        _ => false,
    };

    private static BsonDocument Throw(int code, string? codeName, string message, IReadOnlyList<string> labels) =>
        throw new MongoSessCommandException(code, codeName, message, labels);
}
