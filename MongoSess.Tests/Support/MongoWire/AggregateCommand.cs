using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// aggregate with the stages the driver's CountDocuments sends: <c>[{ $match: filter }, { $group: { _id: 1, n: { $sum: 1 } } }]</c>
/// ($match, and $group with a constant key and constant $sum accumulators).
/// </summary>
internal static class AggregateCommand
{
    public static BsonDocument Run(CommandContext context)
    {
        var pipeline = context.Array("pipeline") ?? throw new MongoCommandError(40414, "BSON field 'aggregate.pipeline' is missing but a required field");
        var cursor = context.Document("cursor")
            ?? throw MongoCommandError.Parse("The 'cursor' option is required, except for aggregate with the explain argument");
        List<BsonDocument> documents;
        lock (context.Store.Gate)
        {
            documents = [.. (context.Store.Find(context.Database, context.Collection)?.Documents ?? []).Select(d => d.DeepClone().AsBsonDocument)];
        }
        foreach (var stage in pipeline)
        {
            if (stage is not BsonDocument { ElementCount: 1 } spec)
            {
                throw new MongoCommandError(40323, "A pipeline stage specification object must contain exactly one field.");
            }
            documents = spec.GetElement(0) switch
            {
                { Name: "$match", Value: BsonDocument filter } => [.. documents.Where(d => FilterMatcher.Matches(d, filter))],
                { Name: "$group", Value: BsonDocument group } => Group(group, documents),
                var other => throw new MongoCommandError(MongoErrorCodes.UnrecognizedPipelineStage, $"the test server supports only $match and $group, not {ShellText.Of(new BsonDocument(other))}"),
            };
        }
        long? batchSize = cursor.GetValue("batchSize", null) is { } b && BsonNumber.IsNumber(b) ? (long)BsonNumber.ToDouble(b) : null;
        return context.Server.Cursors.FirstBatch(context.Namespace, documents, batchSize);
    }

    // every document in one group (a constant key); a group of nothing yields no document at all
    private static List<BsonDocument> Group(BsonDocument spec, List<BsonDocument> input)
    {
        if (spec.GetValue("_id", null) is not { } key || key is BsonString { Value: ['$', ..] } or BsonDocument)
        {
            throw MongoCommandError.BadValue($"the test server supports only a $group with a constant _id, not {ShellText.Of(spec)}");
        }
        if (input.Count == 0)
        {
            return [];
        }
        var output = new BsonDocument("_id", key.DeepClone());
        foreach (var field in spec.Where(e => e.Name != "_id"))
        {
            if (field.Value is not BsonDocument { ElementCount: 1 } accumulator || accumulator.GetElement(0) is not { Name: "$sum", Value: BsonInt32 amount })
            {
                throw MongoCommandError.BadValue($"the test server supports only {{ $sum: <int> }} accumulators, not {field.Name}: {ShellText.Of(field.Value)}");
            }
            // an int sum stays an int while it fits, as in mongod
            long sum = (long)amount.Value * input.Count;
            output.Add(field.Name, sum is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)sum) : new BsonInt64(sum));
        }
        return [output];
    }
}
