namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class AdministrationTests : SessionTestBase
{
    private async Task<string> StartSessionAsync(object values)
    {
        var id = MongoSessions.Cookies.SessionToken.New();
        var operations = new List<SessionOperation>();
        foreach (var (key, value) in (Dictionary<string, object?>)MongoSessions.Values.BsonToClrMapper.ToNatural(MongoSessions.Values.ClrToBsonMapper.Map(values, "values"))!)
        {
            operations.Add(SessionOperation.Set(key, MongoSessions.Values.ClrToBsonMapper.Map(value, key)));
        }
        var now = Clock.GetUtcNow();
        await Store.Inner.UpdateAsync(new SessionUpdate(id, MongoSessions.Cookies.SessionToken.Hash(id), operations, now, now.AddHours(1), createIfMissing: true), default);
        return id;
    }

    [Test]
    public async Task All_and_count_see_live_sessions_only()
    {
        var a = await StartSessionAsync(new { user = "ann" });
        var b = await StartSessionAsync(new { user = "bob" });
        Clock.Advance(TimeSpan.FromMinutes(30));
        var c = await StartSessionAsync(new { user = "cid" });
        Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.That(await MongoSess.CountAsync(), Is.EqualTo(1));
        var ids = new List<string>();
        await foreach (var record in MongoSess.AllAsync())
        {
            ids.Add(record.Id);
        }
        Assert.That(ids, Is.EqualTo(new[] { c }));
        Assert.That(await MongoSess.CleanupAsync(), Is.EqualTo(2));
        Assert.That(await MongoSess.DestroyAsync(a), Is.False, "already cleaned up");
        Assert.That(await MongoSess.DestroyAsync(c), Is.True);
        Assert.That(await MongoSess.CountAsync(), Is.Zero);
        _ = b;
    }

    [Test]
    public async Task Destroy_where_logs_a_user_out_everywhere()
    {
        await StartSessionAsync(new { user = new { id = 42 } });
        await StartSessionAsync(new { user = new { id = 42L } });
        var other = await StartSessionAsync(new { user = new { id = 7 } });
        Assert.That(await MongoSess.DestroyWhereAsync("user.id", 42.0), Is.EqualTo(2), "numbers compare by value");
        Assert.That(await MongoSess.CountAsync(), Is.EqualTo(1));
        Assert.That(await Store.Inner.LoadAsync(other, Clock.GetUtcNow(), default), Is.Not.Null);
    }

    [Test]
    public async Task Clear_deletes_every_session()
    {
        await StartSessionAsync(new { a = 1 });
        await StartSessionAsync(new { a = 2 });
        await MongoSess.ClearAsync();
        Assert.That(await MongoSess.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task Administration_before_connect_is_a_clear_error()
    {
        await MongoSess.CloseAsync();
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => MongoSess.CountAsync());
        Assert.That(e!.Message, Does.Contain("not connected"));
    }
}
