using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The document an upsert starts from: mongod copies the query's equality conditions (<c>a: v</c>, <c>a: { $eq: v }</c>,
/// including inside <c>$and</c>) into it, then applies the update with <c>$setOnInsert</c> active.
/// </summary>
internal static class UpsertSeed
{
    public static BsonDocument Build(BsonDocument filter, BsonDocument update, TimeProvider clock)
    {
        var document = new BsonDocument();
        if (UpdateApplier.IsReplacement(update))
        {
            // a replacement upsert takes only the _id from the query
            if (Equalities(filter).FirstOrDefault(e => e.Path == "_id") is { Value: { } id })
            {
                document.Add("_id", id.DeepClone());
            }
            UpdateApplier.Apply(document, update, isInsert: true, clock);
            if (document.GetValue("_id", null) is { } replacementId && document.IndexOfName("_id") > 0)
            {
                document.Remove("_id");
                return MoveIdFirst(document, replacementId);
            }
        }
        else
        {
            foreach (var (path, value) in Equalities(filter))
            {
                UpdatePath.Set(document, path, value.DeepClone());
            }
            UpdateApplier.Apply(document, update, isInsert: true, clock);
        }
        if (document.GetValue("_id", null) is not { } existing)
        {
            return MoveIdFirst(document, ObjectIdGenerator.Next(clock));
        }
        document.Remove("_id");
        return MoveIdFirst(document, existing);
    }

    private static BsonDocument MoveIdFirst(BsonDocument document, BsonValue id)
    {
        var result = new BsonDocument().Add("_id", id);
        foreach (var element in document)
        {
            result.Add(element.Name, element.Value);
        }
        return result;
    }

    private static IEnumerable<(string Path, BsonValue Value)> Equalities(BsonDocument filter)
    {
        foreach (var element in filter)
        {
            if (element.Name == "$and" && element.Value is BsonArray branches)
            {
                foreach (var branch in branches.OfType<BsonDocument>())
                {
                    foreach (var equality in Equalities(branch))
                    {
                        yield return equality;
                    }
                }
            }
            else if (element.Name.StartsWith('$'))
            {
                continue;
            }
            else if (element.Value is BsonDocument condition && condition.ElementCount > 0 && condition.GetElement(0).Name.StartsWith('$'))
            {
                if (condition.GetValue("$eq", null) is { } eq)
                {
                    yield return (element.Name, eq);
                }
            }
            else
            {
                yield return (element.Name, element.Value);
            }
        }
    }
}
