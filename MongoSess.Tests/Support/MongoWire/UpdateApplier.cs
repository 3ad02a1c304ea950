using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// Applies the update operators the session store sends ($set, $unset, $inc, $push, $max) on dotted paths, in path order,
/// with mongod's errors for conflicting paths, non-numeric increments and non-array pushes.
/// </summary>
internal static class UpdateApplier
{
    /// <summary>Changes <paramref name="document"/> in place.</summary>
    /// <returns>Whether the document changed.</returns>
    /// <exception cref="MongoCommandError">The update is invalid or cannot apply to this document.</exception>
    public static bool Apply(BsonDocument document, BsonDocument update)
    {
        var operations = new List<(string Op, string Path, BsonValue Value)>();
        foreach (var element in update)
        {
            if (!element.Name.StartsWith('$'))
            {
                // a replacement document: the store only ever changes the paths it touches
                throw MongoCommandError.BadValue("the test server does not support replacement-style updates");
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
            modified |= op switch
            {
                "$set" => UpdateOperators.Set(document, path, value),
                "$unset" => UpdateOperators.Unset(document, path),
                "$inc" => UpdateOperators.Increment(document, path, value),
                "$push" => UpdateOperators.Push(document, path, value),
                "$max" => UpdateOperators.Max(document, path, value),
                _ => throw MongoCommandError.Parse($"Unknown modifier: {op}. Expected a valid update modifier or pipeline-style update specified as an array"),
            };
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
}
