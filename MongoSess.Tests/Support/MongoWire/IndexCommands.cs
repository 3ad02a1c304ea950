using System.Globalization;
using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>createIndexes (idempotent for the same spec, 85/86 on conflicts, TTL options checked), listIndexes, dropIndexes.</summary>
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
                if (!IsAlreadyThere(index, existing.Concat(toAdd)))
                {
                    toAdd.Add(index);
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

    public static BsonDocument List(CommandContext context)
    {
        List<BsonDocument> specs;
        lock (context.Store.Gate)
        {
            var collection = context.Store.Find(context.Database, context.Collection)
                ?? throw new MongoCommandError(MongoErrorCodes.NamespaceNotFound, $"ns does not exist: {context.Namespace}");
            specs = [.. collection.Indexes.Select(i => i.Spec.DeepClone().AsBsonDocument)];
        }
        long? batchSize = context.Document("cursor")?["batchSize"] is { } b && BsonNumber.IsNumber(b) ? (long)BsonNumber.ToDouble(b) : null;
        return context.Server.Cursors.FirstBatch($"{context.Database}.$cmd.listIndexes", specs, batchSize);
    }

    public static BsonDocument Drop(CommandContext context)
    {
        lock (context.Store.Gate)
        {
            var collection = context.Store.Find(context.Database, context.Collection)
                ?? throw new MongoCommandError(MongoErrorCodes.NamespaceNotFound, $"ns not found {context.Namespace}");
            int before = collection.Indexes.Count;
            var targets = context.Command.GetValue("index", null) switch
            {
                BsonString { Value: "*" } => collection.Indexes.Where(i => i.Name != "_id_").ToList(),
                BsonString name => [ByName(collection, name.Value)],
                BsonArray names => names.Select(n => ByName(collection, (n as BsonString)?.Value ?? "")).ToList(),
                BsonDocument key => [collection.Indexes.Find(i => BsonOrder.AreEqual(i.Key, key))
                    ?? throw new MongoCommandError(MongoErrorCodes.IndexNotFound, $"can't find index with key: {ShellText.Of(key)}")],
                _ => throw new MongoCommandError(40414, "BSON field 'dropIndexes.index' is missing but a required field"),
            };
            if (targets.Any(i => i.Name == "_id_"))
            {
                throw new MongoCommandError(MongoErrorCodes.InvalidOptions, "cannot drop _id index");
            }
            collection.Indexes.RemoveAll(targets.Contains);
            return new BsonDocument().Add("nIndexesWas", new BsonInt32(before)).Add("ok", new BsonDouble(1));
        }
    }

    private static WireIndex ByName(WireCollection collection, string name) =>
        collection.Indexes.Find(i => i.Name == name) ?? throw new MongoCommandError(MongoErrorCodes.IndexNotFound, $"index not found with name [{name}]");

    private static bool IsAlreadyThere(WireIndex index, IEnumerable<WireIndex> existing)
    {
        foreach (var other in existing)
        {
            if (other.Name == index.Name)
            {
                if (!other.SameKey(index))
                {
                    throw new MongoCommandError(MongoErrorCodes.IndexKeySpecsConflict, $"An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: {ShellText.Of(index.Spec)}, existing index: {ShellText.Of(other.Spec)}");
                }
                if (!other.SameOptions(index))
                {
                    throw new MongoCommandError(MongoErrorCodes.IndexOptionsConflict, $"An equivalent index already exists with the same name but different options. Requested index: {ShellText.Of(index.Spec)}, existing index: {ShellText.Of(other.Spec)}");
                }
                return true;
            }
            if (other.SameKey(index) && other.SameOptions(index))
            {
                throw new MongoCommandError(MongoErrorCodes.IndexOptionsConflict, $"Index already exists with a different name: {other.Name}");
            }
        }
        return false;
    }

    private static WireIndex Normalize(BsonDocument requested)
    {
        if (requested.GetValue("key", null) is not BsonDocument { ElementCount: > 0 } key)
        {
            throw new MongoCommandError(MongoErrorCodes.CannotCreateIndex, "Index keys cannot be empty.");
        }
        string name = requested.GetValue("name", null) is BsonString { Value.Length: > 0 } n ? n.Value : DefaultName(key);
        var spec = new BsonDocument().Add("v", new BsonInt32(2)).Add("key", key.DeepClone().AsBsonDocument).Add("name", new BsonString(name));
        foreach (var element in requested)
        {
            if (element.Name is not ("v" or "key" or "name" or "ns" or "background"))
            {
                spec.Add(element.Name, element.Value.DeepClone());
            }
        }
        if (spec.GetValue("expireAfterSeconds", null) is { } ttl)
        {
            if (!BsonNumber.IsNumber(ttl) || BsonNumber.ToDouble(ttl) < 0)
            {
                throw new MongoCommandError(MongoErrorCodes.CannotCreateIndex, $"TTL index 'expireAfterSeconds' option must be a non-negative number, but received {ShellText.Of(ttl)}. Index spec: {ShellText.Of(spec)}");
            }
            if (key.ElementCount > 1)
            {
                throw new MongoCommandError(MongoErrorCodes.CannotCreateIndex, "TTL indexes are single-field indexes, compound indexes do not support TTL. Index spec: " + ShellText.Of(spec));
            }
            if (key.GetElement(0).Name == "_id")
            {
                throw new MongoCommandError(MongoErrorCodes.CannotCreateIndex, "The field 'expireAfterSeconds' is not valid for an _id index specification. Specification: " + ShellText.Of(spec));
            }
        }
        return new WireIndex(spec);
    }

    private static string DefaultName(BsonDocument key) =>
        string.Join("_", key.Select(e => e.Name + "_" + (e.Value switch
        {
            BsonString s => s.Value,
            var v when BsonNumber.IsNumber(v) => BsonNumber.ToDouble(v).ToString(CultureInfo.InvariantCulture),
            var v => ShellText.Of(v),
        })));
}
