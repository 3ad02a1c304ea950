using MongoDB.Bson;

namespace MongoSessions.Tests.Values;

/// <summary>
/// <see cref="SessionData.Apply"/> is all or none. A single operation is applied in place, without copying the session
/// first, so each kind of failure must be met before anything changes.
/// </summary>
[TestFixture]
public sealed class SessionDataApplyTests
{
    private static SessionData Sample()
    {
        var data = new SessionData();
        data.Apply([
            SessionOperation.Set("name", "ann"),
            SessionOperation.Set("list", new BsonArray { 1, 2 }),
            SessionOperation.Set("profile", new BsonDocument { ["age"] = 30, ["tags"] = new BsonArray { "a" } }),
            SessionOperation.Set("big", long.MaxValue),
        ]);
        return data;
    }

    private static IEnumerable<TestCaseData> FailingSingleOperations()
    {
        yield return new TestCaseData(SessionOperation.Increment("name", 1)).SetName("increment of a string");
        yield return new TestCaseData(SessionOperation.Increment("big", 1)).SetName("increment that overflows");
        yield return new TestCaseData(SessionOperation.Increment("profile.tags", 1)).SetName("increment of an array");
        yield return new TestCaseData(SessionOperation.Set("name.first", "x")).SetName("set through a string");
        yield return new TestCaseData(SessionOperation.Set("profile.age.years", 1)).SetName("set through a nested number");
        yield return new TestCaseData(SessionOperation.Set("list.x", 1)).SetName("set of a named field in an array");
        yield return new TestCaseData(SessionOperation.Set("list.2000000.x", 1)).SetName("set far past an array's end");
        yield return new TestCaseData(SessionOperation.Push("profile.age", 1)).SetName("push to a number");
        yield return new TestCaseData(SessionOperation.Push("name.more.deep", 1)).SetName("push through a string");
    }

    [TestCaseSource(nameof(FailingSingleOperations))]
    public void A_single_operation_that_fails_changes_nothing(SessionOperation operation)
    {
        var data = Sample();
        var before = data.Clone();
        Assert.Throws<InvalidOperationException>(() => data.Apply([operation]));
        Assert.That(data.Document, Is.EqualTo(before.Document));
    }

    [Test]
    public void A_single_operation_makes_missing_documents_and_reports_an_increment()
    {
        var data = Sample();
        var result = data.Apply([SessionOperation.Increment("stats.visits.home", 5)]);
        Assert.That(data.Find("stats.visits.home"), Is.EqualTo(new BsonInt64(5)));
        Assert.That(result.Find("stats.visits.home"), Is.EqualTo(new BsonInt64(5)));
        data.Apply([SessionOperation.Set("list.3", "x")]);
        Assert.That(data.Find("list"), Is.EqualTo(new BsonArray { 1, 2, BsonNull.Value, "x" }), "padded with nulls, as MongoDB does");
    }

    [Test]
    public void Several_operations_are_all_or_none()
    {
        var data = Sample();
        var before = data.Clone();
        Assert.Throws<InvalidOperationException>(() => data.Apply([SessionOperation.Set("other", 1), SessionOperation.Increment("name", 1)]));
        Assert.That(data.Document, Is.EqualTo(before.Document));
    }
}
