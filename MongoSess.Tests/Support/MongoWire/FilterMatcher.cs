using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// MongoDB query filters, to the extent the session store uses them (see MongoFilters): implicit equality on (dotted)
/// paths, $gt, $lte, $exists, and the top-level $or.
/// </summary>
internal static class FilterMatcher
{
    /// <exception cref="MongoCommandError">The filter uses an operator the test server does not support (code 2 BadValue).</exception>
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
            case "$or":
                return Branches(element).Any(b => Matches(document, b));
            case var name when name.StartsWith('$'):
                throw MongoCommandError.BadValue($"the test server does not support the top level operator {name}");
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
        "$gt" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) > 0),
        "$lte" => values.Any(v => Comparable(v, operand) && BsonOrder.Compare(v, operand) <= 0),
        "$exists" => (values.Count > 0) == IsTruthy(operand),
        // the store's "all of a user's sessions but this one"
        "$ne" => !values.Any(v => BsonOrder.Compare(v, operand) == 0),
        _ => throw MongoCommandError.BadValue($"the test server does not support the operator {op}"),
    };

    // an equality to null also matches a missing field
    private static bool EqualsAny(List<BsonValue> values, BsonValue operand) =>
        operand is BsonNull ? values.Count == 0 || values.Any(v => v is BsonNull or BsonUndefined) : values.Any(v => BsonOrder.AreEqual(v, operand));

    // comparisons stay inside a type bracket: a number is never greater than a string
    private static bool Comparable(BsonValue value, BsonValue operand) => BsonOrder.Bracket(value) == BsonOrder.Bracket(operand);

    public static bool IsTruthy(BsonValue value) => value switch
    {
        BsonBoolean b => b.Value,
        BsonNull or BsonUndefined => false,
        _ when BsonNumber.IsNumber(value) => BsonNumber.ToDouble(value) != 0,
        _ => true,
    };
}
