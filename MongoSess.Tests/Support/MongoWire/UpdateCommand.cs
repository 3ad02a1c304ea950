using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>update: <c>{ n, nModified, upserted?: [{ index, _id }], writeErrors?, ok: 1 }</c>.</summary>
internal static class UpdateCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var statements = WriteErrorList.Statements(context, "updates");
        bool ordered = context.Bool("ordered", fallback: true);
        var errors = new WriteErrorList();
        var upserted = new BsonArray();
        int matched = 0, modified = 0;
        lock (context.Store.Gate)
        {
            for (int i = 0; i < statements.Count; i++)
            {
                try
                {
                    var (m, changed, upsertedId) = RunOne(context, statements[i]);
                    matched += m;
                    modified += changed;
                    if (upsertedId is not null)
                    {
                        upserted.Add(new BsonDocument().Add("index", new BsonInt32(i)).Add("_id", upsertedId));
                    }
                }
                catch (MongoCommandError e)
                {
                    errors.Add(i, e);
                    if (ordered)
                    {
                        break;
                    }
                }
            }
        }
        var reply = new BsonDocument().Add("n", new BsonInt32(matched + upserted.Count)).Add("nModified", new BsonInt32(modified));
        if (upserted.Count > 0)
        {
            reply.Add("upserted", upserted);
        }
        errors.AppendTo(reply);
        return reply.Add("ok", new BsonDouble(1));
    }

    private static (int Matched, int Modified, BsonValue? UpsertedId) RunOne(CommandContext context, BsonValue statement)
    {
        if (statement is not BsonDocument s || s.GetValue("q", null) is not BsonDocument filter)
        {
            throw new MongoCommandError(40414, "BSON field 'update.updates.q' is missing but a required field");
        }
        var update = s.GetValue("u", null) switch
        {
            BsonDocument d => d,
            BsonArray => throw MongoCommandError.BadValue("the test server does not support pipeline-style updates"),
            _ => throw new MongoCommandError(40414, "BSON field 'update.updates.u' is missing but a required field"),
        };
        bool multi = s.GetValue("multi", null) is { } mv && FilterMatcher.IsTruthy(mv);
        bool upsert = s.GetValue("upsert", null) is { } uv && FilterMatcher.IsTruthy(uv);
        if (multi && UpdateApplier.IsReplacement(update))
        {
            throw MongoCommandError.Parse("multi update is not supported for replacement-style update");
        }
        var collection = context.Store.Find(context.Database, context.Collection);
        var targets = collection?.Matching(filter) ?? [];
        var list = (multi ? targets : targets.Take(1)).ToList();
        if (list.Count == 0)
        {
            if (!upsert)
            {
                return (0, 0, null);
            }
            var document = UpsertSeed.Build(filter, update, context.Clock);
            context.Store.GetOrCreate(context.Database, context.Collection).Insert(document);
            return (0, 0, document.GetValue("_id", null)!.DeepClone());
        }
        int modified = 0;
        foreach (var original in list)
        {
            var updated = original.DeepClone().AsBsonDocument;
            if (UpdateApplier.Apply(updated, update, isInsert: false, context.Clock))
            {
                collection!.Replace(original, updated);
                modified++;
            }
        }
        return (list.Count, modified, null);
    }
}
