using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>What each update operator does to one path of one document, with mongod's errors; each returns whether the document changed.</summary>
internal static class UpdateOperators
{
    public static bool Set(BsonDocument document, string path, BsonValue value)
    {
        // mongod compares the bytes: setting 1L over 1 is a change
        if (UpdatePath.Find(document, path) is { } current && current.Equals(value))
        {
            return false;
        }
        UpdatePath.Set(document, path, value.DeepClone());
        return true;
    }

    public static bool Unset(BsonDocument document, string path) => UpdatePath.Unset(document, path);

    public static bool Increment(BsonDocument document, string path, BsonValue amount)
    {
        if (!BsonNumber.IsNumber(amount))
        {
            throw new MongoCommandError(MongoErrorCodes.TypeMismatch, $"Cannot increment with non-numeric argument: {{{path}: {ShellText.Of(amount)}}}");
        }
        var current = UpdatePath.Find(document, path);
        if (current is null)
        {
            // a missing field starts from 0 of the amount's own type
            UpdatePath.Set(document, path, amount);
            return true;
        }
        if (!BsonNumber.IsNumber(current))
        {
            throw new MongoCommandError(MongoErrorCodes.TypeMismatch, $"Cannot apply $inc to a value of non-numeric type. {{_id: {IdText(document)}}} has the field '{UpdatePath.LastPart(path)}' of non-numeric type {ShellText.TypeName(current)}");
        }
        var sum = BsonNumber.Add(current, amount)
            ?? throw MongoCommandError.BadValue($"Failed to apply $inc operations to current value ({ShellText.Of(current)}) for document {{_id: {IdText(document)}}}");
        if (sum.Equals(current))
        {
            return false;
        }
        UpdatePath.Set(document, path, sum);
        return true;
    }

    public static bool Push(BsonDocument document, string path, BsonValue value)
    {
        var items = EachOf("$push", value);
        var array = ArrayAt(document, path, "$push");
        if (array is null)
        {
            UpdatePath.Set(document, path, items.DeepClone());
            return true;
        }
        foreach (var item in items)
        {
            array.Add(item.DeepClone());
        }
        return items.Count > 0;
    }

    public static bool AddToSet(BsonDocument document, string path, BsonValue value)
    {
        var items = EachOf("$addToSet", value);
        var array = ArrayAt(document, path, "$addToSet");
        if (array is null)
        {
            array = [];
            UpdatePath.Set(document, path, array);
            foreach (var item in items.Where(i => !array.Any(a => BsonOrder.AreEqual(a, i))))
            {
                array.Add(item.DeepClone());
            }
            return true;
        }
        bool changed = false;
        foreach (var item in items.Where(i => !array.Any(a => BsonOrder.AreEqual(a, i))))
        {
            array.Add(item.DeepClone());
            changed = true;
        }
        return changed;
    }

    /// <summary>Removes every element equal to the value, or matching it when it is a query (on the element, or on an element document's fields).</summary>
    public static bool Pull(BsonDocument document, string path, BsonValue condition)
    {
        var current = UpdatePath.Find(document, path);
        if (current is null)
        {
            return false;
        }
        if (current is not BsonArray array)
        {
            throw MongoCommandError.BadValue("Cannot apply $pull to a non-array value");
        }
        int removed = 0;
        for (int i = array.Count - 1; i >= 0; i--)
        {
            if (PullMatches(array[i], condition))
            {
                array.RemoveAt(i);
                removed++;
            }
        }
        return removed > 0;
    }

    public static bool MinMax(BsonDocument document, string path, BsonValue value, bool keepSmaller)
    {
        var current = UpdatePath.Find(document, path);
        if (current is not null)
        {
            int c = BsonOrder.Compare(value, current);
            if (keepSmaller ? c >= 0 : c <= 0)
            {
                return false;
            }
        }
        UpdatePath.Set(document, path, value.DeepClone());
        return true;
    }

    public static BsonValue CurrentDate(BsonValue spec, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (spec is BsonDocument d && d.GetValue("$type", null) is BsonString { Value: "timestamp" })
        {
            return new BsonTimestamp((int)now.ToUnixTimeSeconds(), 1);
        }
        return new BsonDateTime(now.ToUnixTimeMilliseconds());
    }

    private static bool PullMatches(BsonValue element, BsonValue condition)
    {
        if (condition is BsonDocument query && query.ElementCount > 0)
        {
            if (query.GetElement(0).Name.StartsWith('$'))
            {
                return FilterMatcher.Matches(new BsonDocument("v", element), new BsonDocument("v", query));
            }
            return element is BsonDocument inner && FilterMatcher.Matches(inner, query);
        }
        return BsonOrder.AreEqual(element, condition);
    }

    private static BsonArray EachOf(string op, BsonValue value) =>
        value is BsonDocument d && d.ElementCount > 0 && d.GetElement(0).Name == "$each"
            ? d[0] as BsonArray ?? throw MongoCommandError.BadValue($"The argument to $each in {op} must be an array but it was of type: {ShellText.TypeName(d[0])}")
            : new BsonArray { value };

    private static BsonArray? ArrayAt(BsonDocument document, string path, string op) => UpdatePath.Find(document, path) switch
    {
        null => null,
        BsonArray array => array,
        var other => throw MongoCommandError.BadValue(op == "$push"
            ? $"The field '{path}' must be an array but is of type {ShellText.TypeName(other)} in document {{_id: {IdText(document)}}}"
            : $"Cannot apply $addToSet to non-array field. Field named '{UpdatePath.LastPart(path)}' has non-array type {ShellText.TypeName(other)}"),
    };

    private static string IdText(BsonDocument document) => ShellText.Of(document.GetValue("_id", BsonNull.Value));
}
