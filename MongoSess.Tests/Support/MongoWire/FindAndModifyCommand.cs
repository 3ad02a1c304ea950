using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// findAndModify as the session store sends it: query, update, new, fields (never sort, remove or upsert); reply
/// <c>{ lastErrorObject: { n, updatedExisting }, value, ok: 1 }</c>. Errors fail the whole command.
/// </summary>
internal static class FindAndModifyCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var query = context.Document("query") ?? [];
        var projection = Projection.From(context.Document("fields"));
        bool returnNew = context.Bool("new");
        var update = context.Document("update") ?? throw MongoCommandError.BadValue("the test server only supports findAndModify with an update document");
        if (context.Bool("remove") || context.Bool("upsert") || context.Document("sort") is not null)
        {
            throw MongoCommandError.BadValue("the test server does not support findAndModify with remove, upsert or sort");
        }
        lock (context.Store.Gate)
        {
            var collection = context.Store.Find(context.Database, context.Collection);
            var target = collection?.Matching(query).FirstOrDefault();
            var lastError = new BsonDocument();
            BsonValue value = BsonNull.Value;
            if (target is not null)
            {
                var updated = target.DeepClone().AsBsonDocument;
                if (UpdateApplier.Apply(updated, update))
                {
                    collection!.Replace(target, updated);
                }
                lastError.Add("n", new BsonInt32(1)).Add("updatedExisting", BsonBoolean.True);
                var returned = returnNew ? updated : target;
                value = projection?.Apply(returned) ?? returned.DeepClone();
            }
            else
            {
                lastError.Add("n", new BsonInt32(0)).Add("updatedExisting", BsonBoolean.False);
            }
            return new BsonDocument()
                .Add("lastErrorObject", lastError)
                .Add("value", value)
                .Add("ok", new BsonDouble(1));
        }
    }
}
