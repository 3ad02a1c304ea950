using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>Find projections with inclusion or exclusion of (dotted) fields; <c>_id</c> is kept unless excluded.</summary>
internal sealed class Projection
{
    private readonly Dictionary<string, object?> _tree = new(StringComparer.Ordinal);
    private readonly bool _inclusion;
    private readonly bool _keepId = true;

    private Projection(BsonDocument spec)
    {
        bool? inclusion = null;
        foreach (var element in spec)
        {
            if (element.Value is not (BsonBoolean or BsonInt32 or BsonInt64 or BsonDouble))
            {
                throw MongoCommandError.BadValue($"the test server only supports inclusion and exclusion projections, not '{element.Name}: {ShellText.Of(element.Value)}'");
            }
            bool include = FilterMatcher.IsTruthy(element.Value);
            if (element.Name == "_id")
            {
                _keepId = include;
                continue;
            }
            if (inclusion is { } mode && mode != include)
            {
                throw include
                    ? new MongoCommandError(31253, $"Cannot do inclusion on field {element.Name} in exclusion projection")
                    : new MongoCommandError(31254, $"Cannot do exclusion on field {element.Name} in inclusion projection");
            }
            inclusion = include;
            AddPath(element.Name.Split('.'));
        }
        // { _id: 1 } alone is an inclusion of _id only
        _inclusion = inclusion ?? (_keepId && spec.ElementCount > 0);
    }

    public static Projection? From(BsonValue? spec) => spec is BsonDocument d && d.ElementCount > 0 ? new Projection(d) : null;

    public BsonDocument Apply(BsonDocument document)
    {
        var result = _inclusion ? Include(document, _tree) : Exclude(document, _tree);
        if (!_keepId)
        {
            result.Remove("_id");
        }
        else if (_inclusion && document.TryGetValue("_id", out var id) && !result.Contains("_id"))
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

    private static BsonDocument Exclude(BsonDocument document, Dictionary<string, object?> tree)
    {
        var result = new BsonDocument();
        foreach (var element in document)
        {
            if (!tree.TryGetValue(element.Name, out var sub))
            {
                result.Add(element.Name, element.Value.DeepClone());
            }
            else if (sub is Dictionary<string, object?> subtree)
            {
                result.Add(element.Name, element.Value switch
                {
                    BsonDocument inner => Exclude(inner, subtree),
                    BsonArray array => new BsonArray(array.Select(v => v is BsonDocument d ? Exclude(d, subtree) : v.DeepClone())),
                    var other => other.DeepClone(),
                });
            }
        }
        return result;
    }
}
