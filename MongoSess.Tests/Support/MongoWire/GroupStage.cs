using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// The $group stage with a constant or "$field" key and the accumulators $sum, $min, $max and $count: enough for the
/// driver's CountDocuments, which sends <c>{ $group: { _id: 1, n: { $sum: 1 } } }</c>.
/// </summary>
internal static class GroupStage
{
    private static readonly Comparer<BsonValue> s_order = Comparer<BsonValue>.Create((x, y) => BsonOrder.Compare(x, y));

    public static List<BsonDocument> Apply(BsonValue argument, List<BsonDocument> input)
    {
        if (argument is not BsonDocument spec || spec.GetValue("_id", null) is not { } idExpression)
        {
            throw new MongoCommandError(15955, "a group specification must include an _id");
        }
        var groups = new List<(BsonValue Key, List<BsonDocument> Members)>();
        foreach (var document in input)
        {
            var key = Evaluate(idExpression, document);
            int at = groups.FindIndex(g => BsonOrder.AreEqual(g.Key, key));
            if (at < 0)
            {
                groups.Add((key, [document]));
            }
            else
            {
                groups[at].Members.Add(document);
            }
        }
        return [.. groups.Select(g => Output(spec, g.Key, g.Members))];
    }

    private static BsonDocument Output(BsonDocument spec, BsonValue key, List<BsonDocument> members)
    {
        var output = new BsonDocument("_id", key.DeepClone());
        foreach (var field in spec.Where(e => e.Name != "_id"))
        {
            if (field.Value is not BsonDocument { ElementCount: 1 } accumulator)
            {
                throw new MongoCommandError(40234, $"The field '{field.Name}' must be an accumulator object");
            }
            var (op, expression) = (accumulator.GetElement(0).Name, accumulator[0]);
            var values = members.Select(m => Evaluate(expression, m));
            output.Add(field.Name, op switch
            {
                "$sum" => values.Where(BsonNumber.IsNumber).Aggregate((BsonValue)new BsonInt32(0), (sum, v) => BsonNumber.Add(sum, v) ?? new BsonDouble(BsonNumber.ToDouble(sum) + BsonNumber.ToDouble(v))),
                "$count" => new BsonInt32(members.Count),
                "$min" => values.Where(v => v is not BsonNull).DefaultIfEmpty(BsonNull.Value).Min(s_order)!,
                "$max" => values.Where(v => v is not BsonNull).DefaultIfEmpty(BsonNull.Value).Max(s_order)!,
                _ => throw new MongoCommandError(15952, $"unknown group operator '{op}' (the test server supports $sum, $count, $min and $max)"),
            });
        }
        return output;
    }

    // "$a.b" reads a field (a missing one is null); anything else is a constant
    private static BsonValue Evaluate(BsonValue expression, BsonDocument document) => expression is BsonString { Value: ['$', .. var path] }
        ? UpdatePath.Find(document, path) ?? BsonNull.Value
        : expression;
}
