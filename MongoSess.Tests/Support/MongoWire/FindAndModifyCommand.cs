using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// findAndModify: query, sort, remove, update, new, fields, upsert; reply
/// <c>{ lastErrorObject: { n, updatedExisting?, upserted? }, value, ok: 1 }</c>. Errors fail the whole command.
/// </summary>
internal static class FindAndModifyCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var query = context.Document("query") ?? [];
        var sort = SortSpec.From(context.Document("sort"));
        var projection = Projection.From(context.Document("fields"));
        bool remove = context.Bool("remove");
        bool returnNew = context.Bool("new");
        bool upsert = context.Bool("upsert");
        var update = context.Command.GetValue("update", null) switch
        {
            null or BsonNull => null,
            BsonDocument d => d,
            BsonArray => throw MongoCommandError.BadValue("the test server does not support pipeline-style updates"),
            var other => throw context.TypeMismatch("update", "object", other),
        };
        if (remove && update is not null)
        {
            throw MongoCommandError.Parse("Cannot specify both an update and remove=true");
        }
        if (!remove && update is null)
        {
            throw MongoCommandError.Parse("Either an update or remove=true must be specified");
        }
        if (remove && returnNew)
        {
            throw MongoCommandError.Parse("Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
        }
        if (remove && upsert)
        {
            throw MongoCommandError.Parse("Cannot specify both upsert=true and remove=true ");
        }
        lock (context.Store.Gate)
        {
            var collection = context.Store.Find(context.Database, context.Collection);
            var matching = collection?.Matching(query) ?? [];
            var target = (sort is null ? matching : sort.Sort(matching)).FirstOrDefault();
            var lastError = new BsonDocument();
            BsonValue value = BsonNull.Value;
            if (remove)
            {
                lastError.Add("n", new BsonInt32(target is null ? 0 : 1));
                if (target is not null)
                {
                    collection!.Remove(target);
                    value = Project(target, projection);
                }
            }
            else if (target is not null)
            {
                var updated = target.DeepClone().AsBsonDocument;
                if (UpdateApplier.Apply(updated, update!, isInsert: false, context.Clock))
                {
                    collection!.Replace(target, updated);
                }
                lastError.Add("n", new BsonInt32(1)).Add("updatedExisting", BsonBoolean.True);
                value = Project(returnNew ? updated : target, projection);
            }
            else if (upsert)
            {
                var document = UpsertSeed.Build(query, update!, context.Clock);
                context.Store.GetOrCreate(context.Database, context.Collection).Insert(document);
                lastError.Add("n", new BsonInt32(1)).Add("updatedExisting", BsonBoolean.False).Add("upserted", document.GetValue("_id", null)!.DeepClone());
                if (returnNew)
                {
                    value = Project(document, projection);
                }
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

    private static BsonDocument Project(BsonDocument document, Projection? projection) => projection?.Apply(document) ?? document.DeepClone().AsBsonDocument;
}
