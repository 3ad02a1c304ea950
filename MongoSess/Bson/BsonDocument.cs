using System.Collections;

namespace MongoSessions.Bson;

/// <summary>
/// An ordered BSON document. Names keep their insertion order; decoding keeps duplicate names as they came,
/// while <see cref="Set"/> replaces the first element with the name.
/// </summary>
internal sealed record BsonDocument : BsonValue, IEnumerable<BsonElement>
{
    private readonly List<BsonElement> _elements;

    public BsonDocument() => _elements = [];

    public BsonDocument(int capacity) => _elements = new List<BsonElement>(capacity);

    public override BsonType Type => BsonType.Document;

    public int Count => _elements.Count;

    public BsonElement this[int index] => _elements[index];

    /// <summary>The value of the first element with this name; setting replaces it or appends a new element.</summary>
    public BsonValue? this[string name]
    {
        get => TryGetValue(name, out var value) ? value : null;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Set(name, value);
        }
    }

    /// <summary>Appends an element, even when the name is already present (used by the decoder).</summary>
    public BsonDocument Add(string name, BsonValue value)
    {
        _elements.Add(new BsonElement(name, value));
        return this;
    }

    public void Set(string name, BsonValue value)
    {
        int index = IndexOf(name);
        if (index >= 0)
        {
            _elements[index] = new BsonElement(name, value);
        }
        else
        {
            _elements.Add(new BsonElement(name, value));
        }
    }

    public bool Remove(string name)
    {
        int index = IndexOf(name);
        if (index < 0)
        {
            return false;
        }
        _elements.RemoveAt(index);
        return true;
    }

    public void Clear() => _elements.Clear();

    public bool Contains(string name) => IndexOf(name) >= 0;

    public bool TryGetValue(string name, out BsonValue value) => TryGetValue(name.AsSpan(), out value);

    public bool TryGetValue(ReadOnlySpan<char> name, out BsonValue value)
    {
        int index = IndexOf(name);
        if (index < 0)
        {
            value = null!;
            return false;
        }
        value = _elements[index].Value;
        return true;
    }

    public int IndexOf(ReadOnlySpan<char> name)
    {
        for (int i = 0; i < _elements.Count; i++)
        {
            if (name.SequenceEqual(_elements[i].Name))
            {
                return i;
            }
        }
        return -1;
    }

    public int IndexOf(string name)
    {
        for (int i = 0; i < _elements.Count; i++)
        {
            if (string.Equals(_elements[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public BsonDocument DeepCloneDocument()
    {
        var copy = new BsonDocument(_elements.Count);
        foreach (var element in _elements)
        {
            copy._elements.Add(new BsonElement(element.Name, element.Value.DeepClone()));
        }
        return copy;
    }

    public override BsonValue DeepClone() => DeepCloneDocument();

    public bool Equals(BsonDocument? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }
        for (int i = 0; i < _elements.Count; i++)
        {
            if (_elements[i].Name != other._elements[i].Name || !_elements[i].Value.Equals(other._elements[i].Value))
            {
                return false;
            }
        }
        return true;
    }

    public override int GetHashCode() => _elements.Count;

    public List<BsonElement>.Enumerator GetEnumerator() => _elements.GetEnumerator();

    IEnumerator<BsonElement> IEnumerable<BsonElement>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
