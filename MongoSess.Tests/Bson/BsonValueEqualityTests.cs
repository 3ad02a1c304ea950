using MongoSessions.Bson;

namespace MongoSessions.Tests.Bson;

public sealed class BsonValueEqualityTests
{
    [Test]
    public void Double_NaN_equals_itself()
    {
        var nan = new BsonDouble(double.NaN);

        Assert.That(nan, Is.EqualTo(new BsonDouble(0.0 / 0.0)));
        Assert.That(nan.Equals(new BsonDouble(double.NaN)), Is.True);
    }

    [Test]
    public void Double_negative_zero_differs_from_zero()
    {
        Assert.That(new BsonDouble(-0.0), Is.Not.EqualTo(new BsonDouble(0.0)));
    }

    [Test]
    public void Binary_compares_bytes_not_references()
    {
        var binary = new BsonBinary(0, [1, 2]);

        Assert.That(binary, Is.EqualTo(new BsonBinary(0, new byte[] { 1, 2 })));
        Assert.That(binary, Is.Not.EqualTo(new BsonBinary(4, [1, 2])));
    }

    [Test]
    public void Documents_compare_names_values_and_order()
    {
        var first = new BsonDocument().Add("a", new BsonInt32(1)).Add("b", new BsonInt32(2));

        Assert.That(first, Is.EqualTo(new BsonDocument().Add("a", new BsonInt32(1)).Add("b", new BsonInt32(2))));
        Assert.That(first, Is.Not.EqualTo(new BsonDocument().Add("b", new BsonInt32(2)).Add("a", new BsonInt32(1))));
    }

    [Test]
    public void Values_of_different_types_differ()
    {
        BsonValue int32 = new BsonInt32(1);

        Assert.That(int32.Equals(new BsonInt64(1)), Is.False);
        Assert.That(BsonNull.Value.Equals(BsonUndefined.Value), Is.False);
    }

    [Test]
    public void Deep_clone_shares_nothing_mutable()
    {
        var original = BsonSamples.EveryTypeDocument();

        var clone = original.DeepCloneDocument();
        ((BsonDocument)clone["document"]!).Set("x", new BsonInt32(99));

        Assert.That(clone, Is.Not.EqualTo(original));
        Assert.That(original, Is.EqualTo(BsonSamples.EveryTypeDocument()));
    }
}
