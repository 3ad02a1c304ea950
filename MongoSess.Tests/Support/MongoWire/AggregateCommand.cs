using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>aggregate with the stages a session store may use: $match, $sort, $skip, $limit, $project, $group and $count.</summary>
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
            documents = FindCommand.Query(context.Store.Find(context.Database, context.Collection), [], null, 0, null, null);
        }
        foreach (var stage in pipeline)
        {
            if (stage is not BsonDocument { ElementCount: 1 } spec)
            {
                throw new MongoCommandError(40323, "A pipeline stage specification object must contain exactly one field.");
            }
            documents = Apply(spec.GetElement(0).Name, spec.GetElement(0).Value, documents);
        }
        long? batchSize = cursor.GetValue("batchSize", null) is { } b && BsonNumber.IsNumber(b) ? (long)BsonNumber.ToDouble(b) : null;
        return context.Server.Cursors.FirstBatch(context.Namespace, documents, batchSize);
    }

    private static List<BsonDocument> Apply(string stage, BsonValue argument, List<BsonDocument> input) => stage switch
    {
        "$match" when argument is BsonDocument filter => [.. input.Where(d => FilterMatcher.Matches(d, filter))],
        "$sort" => SortSpec.From(argument)?.Sort(input) ?? input,
        "$skip" when BsonNumber.IsNumber(argument) => [.. input.Skip((int)BsonNumber.ToDouble(argument))],
        "$limit" when BsonNumber.IsNumber(argument) => [.. input.Take((int)BsonNumber.ToDouble(argument))],
        "$project" when argument is BsonDocument spec => [.. input.Select(Projection.From(spec)!.Apply)],
        "$group" => GroupStage.Apply(argument, input),
        // $count of nothing yields no document at all
        "$count" when argument is BsonString { Value.Length: > 0 } name =>
            input.Count == 0 ? [] : [new BsonDocument().Add(name.Value, new BsonInt32(input.Count))],
        "$match" or "$sort" or "$skip" or "$limit" or "$project" or "$count" => throw MongoCommandError.BadValue($"invalid argument to {stage}: {ShellText.Of(argument)}"),
        _ => throw new MongoCommandError(MongoErrorCodes.UnrecognizedPipelineStage, $"Unrecognized pipeline stage name: '{stage}' (the test server supports $match, $sort, $skip, $limit, $project, $group and $count)"),
    };
}
