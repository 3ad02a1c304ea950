using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// MongoDB query filters, to the extent a session store uses them: implicit equality on (dotted) paths, $eq, $ne, $gt,
/// $gte, $lt, $lte, $in, $nin, $exists, $not, and the top-level $and, $or, $nor.
/// </summary>
internal static class FilterMatcher
{
    /// <exception cref="MongoCommandError">The filter uses an operator the test server does not know (code 2 BadValue).</exception>
    public static bool Matches(BsonDocument document, BsonDocument filter)
    {
        foreach (var element in filter)
        {
            if (!MatchesElement(document, element))
            {
                return false;
            }
        }
        return true;
    }

    private static bool MatchesElement(BsonDocument document, BsonElement element)
    {
        switch (element.Name)
        {
            case "$and":
                return Branches(element).All(b => Matches(document, b));
            case "$or":
                return Branches(element).Any(b => Matches(document, b));
            case "$nor":
                return !Branches(element).Any(b => Matches(document, b));
            case "$comment":
                return true;
            case var name when name.StartsWith('$'):
                throw MongoCommandError.BadValue($"unknown top level operator: {name}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.");
        }
        var values = DocumentPath.Values(document, element.Name);
        if (element.Value is BsonDocument condition && condition.ElementCount > 0 && condition.GetElement(0).Name.StartsWith('$'))
        {
            foreach (var op in condition)
            {
                if (!MatchesOperator(values, op.Name, op.Value))
                {
                    return false;
                }
            }
            return true;
        }
        return EqualsAny(values, element.Value);
    }

    private static IEnumerable<BsonDocument> Branches(BsonElement element)
    {
        if (element.Value is not BsonArray array || array.Count == 0)
        {
            throw MongoCommandError.BadValue($"{element.Name} must be a nonempty array");
        }
        foreach (var branch in array)
        {
            yield return branch as BsonDocument ?? throw MongoCommandError.BadValue($"{element.Name} argument's entries must be objects");
        }
    }

    private static bool MatchesOperator(List<BsonValue> values, string op, BsonValue operand) => op switch
    {
        "$eq" => EqualsAny(values, operand),
        "$ne" => !EqualsAny(values, operand),
        "$gt" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) > 0),
        "$gte" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) >= 0),
        "$lt" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) < 0),
        "$lte" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) <= 0),
        "$in" => InList(op, operand).Any(item => EqualsAny(values, item)),
        "$nin" => !InList(op, operand).Any(item => EqualsAny(values, item)),
        "$exists" => (values.Count > 0) == IsTruthy(operand),
        "$not" when operand is BsonDocument inner => !inner.All(e => MatchesOperator(values, e.Name, e.Value)),
        "$not" => throw MongoCommandError.BadValue("$not needs a document"),
        _ => throw MongoCommandError.BadValue($"unknown operator: {op}"),
    };

    // an equality to null also matches a missing field
    private static bool EqualsAny(List<BsonValue> values, BsonValue operand) =>
        operand is BsonNull ? values.Count == 0 || values.Any(v => v is BsonNull or BsonUndefined) : values.Any(v => BsonOrder.AreEqual(v, operand));

    // comparisons stay inside a type bracket: a number is never greater than a string
    private static bool Comparable(BsonValue value, BsonValue operand) => BsonOrder.Bracket(value) == BsonOrder.Bracket(operand);

    private static BsonArray InList(string op, BsonValue operand) =>
        operand as BsonArray ?? throw MongoCommandError.BadValue($"{op} needs an array");

    public static bool IsTruthy(BsonValue value) => value switch
    {
        BsonBoolean b => b.Value,
        BsonNull or BsonUndefined => false,
        _ when BsonNumber.IsNumber(value) => BsonNumber.ToDouble(value) != 0,
        _ => true,
    };
}
