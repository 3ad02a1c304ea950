using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>createIndexes, idempotent for the same spec (the store creates its TTL indexes on every connect).</summary>
internal static class IndexCommands
{
    public static BsonDocument Create(CommandContext context)
    {
        var specs = context.Array("indexes") ?? throw new MongoCommandError(40414, "BSON field 'createIndexes.indexes' is missing but a required field");
        if (specs.Count == 0)
        {
            throw MongoCommandError.BadValue("Must specify at least one index to create");
        }
        lock (context.Store.Gate)
        {
            var requested = specs.Select(s => Normalize(s as BsonDocument ?? throw context.TypeMismatch("indexes", "object", s))).ToList();
            var existing = context.Store.Find(context.Database, context.Collection)?.Indexes ?? [WireIndex.Id];
            var toAdd = new List<WireIndex>();
            foreach (var index in requested)
            {
                if (existing.Concat(toAdd).FirstOrDefault(i => i.Name == index.Name) is not { } same)
                {
                    toAdd.Add(index);
                }
                else if (!BsonOrder.AreEqual(same.Spec, index.Spec))
                {
                    throw new MongoCommandError(MongoErrorCodes.IndexOptionsConflict, $"An existing index has the same name as the requested index but a different key or options. Requested index: {ShellText.Of(index.Spec)}, existing index: {ShellText.Of(same.Spec)}");
                }
            }
            var collection = context.Store.GetOrCreate(context.Database, context.Collection, out bool created);
            int before = collection.Indexes.Count;
            collection.Indexes.AddRange(toAdd);
            var reply = new BsonDocument()
                .Add("numIndexesBefore", new BsonInt32(before))
                .Add("numIndexesAfter", new BsonInt32(collection.Indexes.Count));
            if (toAdd.Count == 0)
            {
                reply.Add("note", new BsonString("all indexes already exist"));
            }
            else
            {
                reply.Add("createdCollectionAutomatically", BsonBoolean.Create(created));
            }
            return reply.Add("ok", new BsonDouble(1));
        }
    }

    // the driver always names an index; the spec as listIndexes would show it: { v: 2, key, name, ...options }
    private static WireIndex Normalize(BsonDocument requested)
    {
        if (requested.GetValue("key", null) is not BsonDocument { ElementCount: > 0 } key)
        {
            throw new MongoCommandError(MongoErrorCodes.CannotCreateIndex, "Index keys cannot be empty.");
        }
        if (requested.GetValue("name", null) is not BsonString { Value.Length: > 0 } name)
        {
            throw new MongoCommandError(40414, "BSON field 'createIndexes.indexes.name' is missing but a required field");
        }
        var spec = new BsonDocument().Add("v", new BsonInt32(2)).Add("key", key.DeepClone()).Add("name", name);
        foreach (var element in requested)
        {
            if (element.Name is not ("v" or "key" or "name" or "background"))
            {
                spec.Add(element.Name, element.Value.DeepClone());
            }
        }
        return new WireIndex(spec);
    }
}
