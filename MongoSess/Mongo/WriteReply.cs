using MongoSessions.Bson;
using MongoSessions.Mongo.Connections;

namespace MongoSessions.Mongo;

/// <summary>
/// Write commands report per-document errors inside an <c>ok: 1</c> reply (<c>writeErrors</c>,
/// <c>writeConcernError</c>); this turns the first of them into a <see cref="MongoSessCommandException"/>.
/// </summary>
internal static class WriteReply
{
    public static BsonDocument EnsureNoErrors(BsonDocument reply)
    {
        if (reply["writeErrors"] is BsonArray { Count: > 0 } errors && errors[0] is BsonDocument first)
        {
            ThrowFrom(first, []);
        }
        if (reply["writeConcernError"] is BsonDocument concern)
        {
            // retryable writes spec: the reply's labels, not the write concern error's, say whether to retry
            ThrowFrom(concern, CommandReply.Labels(reply));
        }
        return reply;
    }

    private static void ThrowFrom(BsonDocument error, IReadOnlyList<string> labels)
    {
        var failed = new BsonDocument()
            .Add("ok", new BsonDouble(0))
            .Add("code", error["code"] ?? new BsonInt32(0))
            .Add("errmsg", error["errmsg"] ?? new BsonString("write failed"));
        if (error["codeName"] is { } codeName)
        {
            failed.Add("codeName", codeName);
        }
        var allLabels = new BsonArray(labels.Select(l => (BsonValue)new BsonString(l)));
        foreach (var label in CommandReply.Labels(error))
        {
            allLabels.Add(new BsonString(label));
        }
        failed.Add("errorLabels", allLabels);
        CommandReply.EnsureOk(failed);
    }
}
