using MongoSessions.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// Applies an update document as mongod does: a replacement document, or update operators ($set, $unset, $inc,
/// $setOnInsert, $push, $min, $max, $currentDate) on dotted paths, applied in path order, with mongod's errors for
/// conflicting paths, the immutable <c>_id</c>, non-numeric increments and non-array pushes.
/// </summary>
internal static class UpdateApplier
{
    public static bool IsReplacement(BsonDocument update) => update.Count == 0 || !update[0].Name.StartsWith('$');

    /// <summary>Changes <paramref name="document"/> in place.</summary>
    /// <returns>Whether the document changed.</returns>
    /// <exception cref="MongoCommandError">The update is invalid or cannot apply to this document.</exception>
    public static bool Apply(BsonDocument document, BsonDocument update, bool isInsert, TimeProvider clock)
    {
        return IsReplacement(update) ? Replace(document, update) : ApplyOperators(document, update, isInsert, clock);
    }

    private static bool Replace(BsonDocument document, BsonDocument replacement)
    {
        foreach (var element in replacement)
        {
            if (element.Name.StartsWith('$'))
            {
                throw new MongoCommandError(52, $"The dollar ($) prefixed field '{element.Name}' in '{element.Name}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.");
            }
        }
        var id = document["_id"];
        if (id is not null && replacement["_id"] is { } newId && !newId.Equals(id))
        {
            throw new MongoCommandError(MongoErrorCodes.ImmutableField, $"After applying the update, the (immutable) field '_id' was found to have been altered to _id: {ShellText.Of(newId)}");
        }
        var before = document.DeepCloneDocument();
        document.Clear();
        if (id is not null)
        {
            document.Add("_id", id);
        }
        foreach (var element in replacement)
        {
            if (element.Name != "_id" || id is null)
            {
                document.Add(element.Name, element.Value.DeepClone());
            }
        }
        return !before.Equals(document);
    }

    private static bool ApplyOperators(BsonDocument document, BsonDocument update, bool isInsert, TimeProvider clock)
    {
        var operations = new List<(string Op, string Path, BsonValue Value)>();
        foreach (var element in update)
        {
            if (!element.Name.StartsWith('$'))
            {
                throw MongoCommandError.Parse($"Unknown modifier: {element.Name}. Expected a valid update modifier or pipeline-style update specified as an array");
            }
            if (element.Value is not BsonDocument fields)
            {
                throw MongoCommandError.Parse($"Modifiers operate on fields but we found type {ShellText.TypeName(element.Value)} instead. For example: {{$mod: {{<field>: ...}}}} not {{{element.Name}: {ShellText.Of(element.Value)}}}");
            }
            foreach (var field in fields)
            {
                operations.Add((element.Name, field.Name, field.Value));
            }
        }
        CheckConflicts(operations);
        bool modified = false;
        // mongod 5.0+: update operators process fields in lexicographic order of their paths
        foreach (var (op, path, value) in operations.OrderBy(o => o.Path, StringComparer.Ordinal))
        {
            if ((path == "_id" || path.StartsWith("_id.", StringComparison.Ordinal)) && !isInsert && op != "$setOnInsert")
            {
                var before = document["_id"]?.DeepClone();
                modified |= ApplyOne(document, op, path, value, isInsert, clock);
                if (before is not null && !before.Equals(document["_id"]))
                {
                    throw new MongoCommandError(MongoErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
                }
                continue;
            }
            modified |= ApplyOne(document, op, path, value, isInsert, clock);
        }
        return modified;
    }

    private static void CheckConflicts(List<(string Op, string Path, BsonValue Value)> operations)
    {
        for (int i = 0; i < operations.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                string a = operations[i].Path, b = operations[j].Path;
                string shorter = a.Length <= b.Length ? a : b, longer = a.Length <= b.Length ? b : a;
                if (longer == shorter || longer.StartsWith(shorter + ".", StringComparison.Ordinal))
                {
                    throw new MongoCommandError(MongoErrorCodes.ConflictingUpdateOperators, $"Updating the path '{a}' would create a conflict at '{shorter}'");
                }
            }
        }
    }

    private static bool ApplyOne(BsonDocument document, string op, string path, BsonValue value, bool isInsert, TimeProvider clock)
    {
        try
        {
            return op switch
            {
                "$set" => Set(document, path, value),
                "$setOnInsert" => isInsert && Set(document, path, value),
                "$unset" => Unset(document, path),
                "$inc" => Increment(document, path, value),
                "$push" => Push(document, path, value),
                "$min" => MinMax(document, path, value, keepSmaller: true),
                "$max" => MinMax(document, path, value, keepSmaller: false),
                "$currentDate" => Set(document, path, CurrentDate(value, clock)),
                _ => throw MongoCommandError.Parse($"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array"),
            };
        }
        catch (InvalidOperationException)
        {
            throw new MongoCommandError(MongoErrorCodes.PathNotViable, $"Cannot create field '{path.Split('.')[^1]}' in element {{{path}: ...}}");
        }
    }

    private static bool Set(BsonDocument document, string path, BsonValue value)
    {
        var current = BsonPathEditor.Find(document, path);
        if (current is not null && current.Equals(value))
        {
            return false;
        }
        BsonPathEditor.Set(document, path, value.DeepClone());
        return true;
    }

    private static bool Unset(BsonDocument document, string path)
    {
        if (BsonPathEditor.Find(document, path) is null)
        {
            return false;
        }
        BsonPathEditor.Unset(document, path);
        return true;
    }

    private static bool Increment(BsonDocument document, string path, BsonValue amount)
    {
        if (!BsonNumber.IsNumber(amount))
        {
            throw new MongoCommandError(MongoErrorCodes.TypeMismatch, $"Cannot increment with non-numeric argument: {{{path}: {ShellText.Of(amount)}}}");
        }
        var current = BsonPathEditor.Find(document, path);
        if (current is null)
        {
            BsonPathEditor.Set(document, path, amount);
            return true;
        }
        if (!BsonNumber.IsNumber(current))
        {
            throw new MongoCommandError(MongoErrorCodes.TypeMismatch, $"Cannot apply $inc to a value of non-numeric type. {{_id: {ShellText.Of(document["_id"] ?? BsonNull.Value)}}} has the field '{path.Split('.')[^1]}' of non-numeric type {ShellText.TypeName(current)}");
        }
        var sum = BsonNumber.Add(current, amount)
            ?? throw MongoCommandError.BadValue($"Failed to apply $inc operations to current value ({ShellText.Of(current)}) for document {{_id: {ShellText.Of(document["_id"] ?? BsonNull.Value)}}}");
        if (sum.Equals(current))
        {
            return false;
        }
        BsonPathEditor.Set(document, path, sum);
        return true;
    }

    private static bool Push(BsonDocument document, string path, BsonValue value)
    {
        var items = value is BsonDocument d && d.Count > 0 && d[0].Name == "$each"
            ? d[0].Value as BsonArray ?? throw MongoCommandError.BadValue($"The argument to $each in $push must be an array but it was of type: {ShellText.TypeName(d[0].Value)}")
            : new BsonArray().Add(value);
        var current = BsonPathEditor.Find(document, path);
        if (current is null)
        {
            BsonPathEditor.Set(document, path, items.DeepClone());
            return true;
        }
        if (current is not BsonArray array)
        {
            throw MongoCommandError.BadValue($"The field '{path}' must be an array but is of type {ShellText.TypeName(current)} in document {{_id: {ShellText.Of(document["_id"] ?? BsonNull.Value)}}}");
        }
        foreach (var item in items)
        {
            array.Add(item.DeepClone());
        }
        return items.Count > 0;
    }

    private static bool MinMax(BsonDocument document, string path, BsonValue value, bool keepSmaller)
    {
        var current = BsonPathEditor.Find(document, path);
        int c = current is null ? 0 : BsonOrder.Compare(value, current);
        if (current is not null && (keepSmaller ? c >= 0 : c <= 0))
        {
            return false;
        }
        BsonPathEditor.Set(document, path, value.DeepClone());
        return true;
    }

    private static BsonValue CurrentDate(BsonValue spec, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (spec is BsonDocument d && d["$type"] is BsonString { Value: "timestamp" })
        {
            return new BsonTimestamp(((ulong)now.ToUnixTimeSeconds() << 32) | 1);
        }
        return BsonDateTime.FromDateTimeOffset(now);
    }
}
