using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// Applies an update document as mongod does: a replacement document, or update operators ($set, $unset, $inc,
/// $setOnInsert, $push, $addToSet, $pull, $min, $max, $currentDate) on dotted paths, applied in path order, with mongod's errors for
/// conflicting paths, the immutable <c>_id</c>, non-numeric increments and non-array pushes.
/// </summary>
internal static class UpdateApplier
{
    public static bool IsReplacement(BsonDocument update) => update.ElementCount == 0 || !update.GetElement(0).Name.StartsWith('$');

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
        var id = document.GetValue("_id", null);
        if (id is not null && replacement.GetValue("_id", null) is { } newId && !newId.Equals(id))
        {
            throw new MongoCommandError(MongoErrorCodes.ImmutableField, $"After applying the update, the (immutable) field '_id' was found to have been altered to _id: {ShellText.Of(newId)}");
        }
        var before = document.DeepClone().AsBsonDocument;
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
                if (field.Name.Length == 0 || field.Name.Split('.').Any(p => p.Length == 0))
                {
                    throw new MongoCommandError(MongoErrorCodes.EmptyFieldName, $"The update path '{field.Name}' contains an empty field name, which is not allowed.");
                }
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
                var before = document.GetValue("_id", null)?.DeepClone();
                modified |= ApplyOne(document, op, path, value, isInsert, clock);
                if (before is not null && !before.Equals(document.GetValue("_id", null)))
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

    private static bool ApplyOne(BsonDocument document, string op, string path, BsonValue value, bool isInsert, TimeProvider clock) => op switch
    {
        "$set" => UpdateOperators.Set(document, path, value),
        "$setOnInsert" => isInsert && UpdateOperators.Set(document, path, value),
        "$unset" => UpdateOperators.Unset(document, path),
        "$inc" => UpdateOperators.Increment(document, path, value),
        "$push" => UpdateOperators.Push(document, path, value),
        "$addToSet" => UpdateOperators.AddToSet(document, path, value),
        "$pull" => UpdateOperators.Pull(document, path, value),
        "$min" => UpdateOperators.MinMax(document, path, value, keepSmaller: true),
        "$max" => UpdateOperators.MinMax(document, path, value, keepSmaller: false),
        "$currentDate" => UpdateOperators.Set(document, path, UpdateOperators.CurrentDate(value, clock)),
        _ => throw MongoCommandError.Parse($"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array"),
    };
}
