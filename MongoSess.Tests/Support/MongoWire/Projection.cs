using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>
/// An inclusion projection of (dotted) fields, as the session store's findAndModify sends it; <c>_id</c> is kept
/// unless excluded. Exclusion projections are not supported.
/// </summary>
internal sealed class Projection
{
    private readonly Dictionary<string, object?> _tree = new(StringComparer.Ordinal);
    private readonly bool _keepId = true;

    private Projection(BsonDocument spec)
    {
        foreach (var element in spec)
        {
            if (element.Value is not (BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble))
            {
                throw MongoCommandError.BadValue($"the test server only supports inclusion projections, not '{element.Name}: {ShellText.Of(element.Value)}'");
            }
            bool include = FilterMatcher.IsTruthy(element.Value);
            if (element.Name == "_id")
            {
                _keepId = include;
            }
            else if (!include)
            {
                throw MongoCommandError.BadValue($"the test server only supports inclusion projections, not an exclusion of '{element.Name}'");
            }
            else
            {
                AddPath(element.Name.Split('.'));
            }
        }
        if (_tree.Count == 0 && !_keepId)
        {
            // { _id: 0 } alone is an exclusion
            throw MongoCommandError.BadValue("the test server only supports inclusion projections, not an exclusion of '_id' alone");
        }
    }

    public static Projection? From(BsonDocument? spec) => spec is { ElementCount: > 0 } ? new Projection(spec) : null;

    public BsonDocument Apply(BsonDocument document)
    {
        var result = Include(document, _tree);
        if (_keepId && document.TryGetValue("_id", out var id))
        {
            var withId = new BsonDocument().Add("_id", id.DeepClone());
            foreach (var element in result)
            {
                withId.Add(element.Name, element.Value);
            }
            result = withId;
        }
        return result;
    }

    private void AddPath(string[] parts)
    {
        var level = _tree;
        for (int i = 0; i < parts.Length; i++)
        {
            if (i == parts.Length - 1)
            {
                level[parts[i]] = null;
            }
            else if (!level.TryGetValue(parts[i], out var next) || next is not Dictionary<string, object?> child)
            {
                child = new Dictionary<string, object?>(StringComparer.Ordinal);
                level[parts[i]] = child;
                level = child;
            }
            else
            {
                level = child;
            }
        }
    }

    private static BsonDocument Include(BsonDocument document, Dictionary<string, object?> tree)
    {
        var result = new BsonDocument();
        foreach (var element in document)
        {
            if (!tree.TryGetValue(element.Name, out var sub))
            {
                continue;
            }
            if (sub is not Dictionary<string, object?> subtree)
            {
                result.Add(element.Name, element.Value.DeepClone());
            }
            else if (element.Value is BsonDocument inner)
            {
                result.Add(element.Name, Include(inner, subtree));
            }
            else if (element.Value is BsonArray array)
            {
                result.Add(element.Name, new BsonArray(array.OfType<BsonDocument>().Select(d => (BsonValue)Include(d, subtree))));
            }
        }
        return result;
    }
}
