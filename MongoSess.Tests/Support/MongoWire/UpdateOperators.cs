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

    /// <summary>$max: sets the field when it is missing or orders before the value (BSON comparison order).</summary>
    public static bool Max(BsonDocument document, string path, BsonValue value)
    {
        if (UpdatePath.Find(document, path) is { } current && BsonOrder.Compare(current, value) >= 0)
        {
            return false;
        }
        UpdatePath.Set(document, path, value.DeepClone());
        return true;
    }

    public static bool Push(BsonDocument document, string path, BsonValue value)
    {
        switch (UpdatePath.Find(document, path))
        {
            case null:
                UpdatePath.Set(document, path, new BsonArray { value.DeepClone() });
                return true;
            case BsonArray array:
                array.Add(value.DeepClone());
                return true;
            case var other:
                throw MongoCommandError.BadValue($"The field '{path}' must be an array but is of type {ShellText.TypeName(other)} in document {{_id: {IdText(document)}}}");
        }
    }

    private static string IdText(BsonDocument document) => ShellText.Of(document.GetValue("_id", BsonNull.Value));
}
