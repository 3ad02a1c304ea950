using System.Collections;

namespace MongoSessions.Bson;

/// <summary>A BSON array: a document whose keys are "0", "1", ... on the wire.</summary>
internal sealed record BsonArray : BsonValue, IEnumerable<BsonValue>
{
    private readonly List<BsonValue> _items;

    public BsonArray() => _items = [];

    public BsonArray(int capacity) => _items = new List<BsonValue>(capacity);

    public BsonArray(IEnumerable<BsonValue> items) => _items = [.. items];

    public override BsonType Type => BsonType.Array;

    public int Count => _items.Count;

    public BsonValue this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public BsonArray Add(BsonValue value)
    {
        _items.Add(value);
        return this;
    }

    public void RemoveAt(int index) => _items.RemoveAt(index);

    public override BsonValue DeepClone()
    {
        var copy = new BsonArray(_items.Count);
        foreach (var item in _items)
        {
            copy._items.Add(item.DeepClone());
        }
        return copy;
    }

    public bool Equals(BsonArray? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }
        for (int i = 0; i < _items.Count; i++)
        {
            if (!_items[i].Equals(other._items[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override int GetHashCode() => _items.Count;

    public List<BsonValue>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<BsonValue> IEnumerable<BsonValue>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
