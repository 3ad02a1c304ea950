using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// update as the Node driver's updateOne and updateMany send it (connect-mongo's session writes): each statement
/// <c>{ q, u, upsert?, multi? }</c> with an operator update; reply <c>{ n, nModified, upserted?, writeErrors?, ok: 1 }</c>.
/// An upsert that matches nothing inserts the query's equality fields with the update applied, as mongod does.
/// </summary>
internal static class UpdateCommand
{
    private static readonly HashSet<string> s_statementFields = ["q", "u", "upsert", "multi"];

    public static BsonDocument Run(CommandContext context)
    {
        var statements = WriteErrorList.Statements(context, "updates");
        var errors = new WriteErrorList();
        var upserted = new BsonArray();
        int modified = 0;
        int n;
        lock (context.Store.Gate)
        {
            n = errors.RunEach(statements.Count, i =>
            {
                var (matched, changed, upsertedId) = RunOne(context, statements[i]);
                modified += changed;
                if (upsertedId is not null)
                {
                    upserted.Add(new BsonDocument().Add("index", new BsonInt32(i)).Add("_id", upsertedId));
                }
                return matched;
            });
        }
        var reply = new BsonDocument().Add("n", new BsonInt32(n)).Add("nModified", new BsonInt32(modified));
        if (upserted.Count > 0)
        {
            reply.Add("upserted", upserted);
        }
        errors.AppendTo(reply);
        return reply.Add("ok", new BsonDouble(1));
    }

    // n counts matched and upserted documents, nModified only those an update changed
    private static (int Matched, int Modified, BsonValue? UpsertedId) RunOne(CommandContext context, BsonValue statement)
    {
        if (statement is not BsonDocument s || s.GetValue("q", null) is not BsonDocument filter)
        {
            throw new MongoCommandError(40414, "BSON field 'update.updates.q' is missing but a required field");
        }
        if (s.GetValue("u", null) is not BsonDocument update)
        {
            throw MongoCommandError.BadValue("the test server only supports update with an operator document (not a pipeline)");
        }
        if (s.Names.FirstOrDefault(name => !s_statementFields.Contains(name)) is { } unsupported)
        {
            throw MongoCommandError.BadValue($"the test server does not support update statements with {unsupported}");
        }
        bool multi = s.GetValue("multi", null) is { } m && FilterMatcher.IsTruthy(m);
        bool upsert = s.GetValue("upsert", null) is { } u && FilterMatcher.IsTruthy(u);
        var collection = context.Store.Find(context.Database, context.Collection);
        var targets = collection?.Matching(filter) ?? [];
        var list = (multi ? targets : targets.Take(1)).ToList();
        if (list.Count == 0)
        {
            return upsert ? (1, 0, Upsert(context, filter, update)) : (0, 0, null);
        }
        int changed = 0;
        foreach (var target in list)
        {
            var updated = target.DeepClone().AsBsonDocument;
            if (UpdateApplier.Apply(updated, update))
            {
                CheckIdUnchanged(target.GetValue("_id", null), updated);
                collection!.Replace(target, updated);
                changed++;
            }
        }
        return (list.Count, changed, null);
    }

    private static BsonValue Upsert(CommandContext context, BsonDocument filter, BsonDocument update)
    {
        // mongod seeds the new document with the query's equality fields (not its operators), then applies the update
        var seed = new BsonDocument();
        foreach (var element in filter)
        {
            bool isOperator = element.Value is BsonDocument { ElementCount: > 0 } d && d.GetElement(0).Name.StartsWith('$');
            if (!element.Name.StartsWith('$') && !isOperator)
            {
                UpdatePath.Set(seed, element.Name, element.Value.DeepClone());
            }
        }
        var seededId = seed.GetValue("_id", null);
        UpdateApplier.Apply(seed, update);
        if (seededId is not null)
        {
            CheckIdUnchanged(seededId, seed);
        }
        var id = seed.GetValue("_id", null) ?? ObjectId.GenerateNewId();
        var document = new BsonDocument().Add("_id", id);
        foreach (var element in seed)
        {
            if (element.Name != "_id")
            {
                document.Add(element.Name, element.Value);
            }
        }
        context.Store.GetOrCreate(context.Database, context.Collection).Insert(document);
        return id.DeepClone();
    }

    private static void CheckIdUnchanged(BsonValue? before, BsonDocument after)
    {
        if (before is not null && after.GetValue("_id", null) is { } now && !BsonOrder.AreEqual(before, now))
        {
            throw new MongoCommandError(MongoErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
        }
    }
}
