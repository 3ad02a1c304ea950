using MongoDB.Bson;

namespace MongoSessions.Testing;

/// <summary>
/// The contract of <see cref="ISessionStore"/> as NUnit tests: what MongoSess relies on from every store. Subclass it
/// in your test project, return a new empty store from <see cref="CreateStore"/>, and run the tests; MongoSess's own
/// stores pass it the same way.
/// </summary>
public abstract class SessionStoreContract
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly DateTimeOffset Later = Now.AddHours(1);

    protected ISessionStore Store { get; private set; } = null!;

    protected abstract ISessionStore CreateStore();

    /// <summary>
    /// Whether the store honours <see cref="SessionUpdate.ExtendOnly"/> (moves the expiry only later, never earlier)
    /// rather than always setting it; either is allowed, and the contract checks that what the store reports is what it kept.
    /// </summary>
    protected virtual bool HonoursExtendOnly => false;

    [SetUp]
    public void CreateStoreForTest() => Store = CreateStore();

    [TearDown]
    public async Task DisposeStore()
    {
        // null when a subclass skipped the test in CreateStore
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }
    }

    /// <summary>A new session key (any unique string will do for a store).</summary>
    protected static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The token hash these tests give the session with key <paramref name="id"/> (a store only compares it).</summary>
    protected static string Hash(string id) => "hash-" + id;

    protected static SessionUpdate Create(string id, params SessionOperation[] operations) =>
        new(id, Hash(id), operations, Now, Later, createIfMissing: true);

    protected static SessionUpdate Update(string id, params SessionOperation[] operations) =>
        new(id, Hash(id), operations, Now.AddMinutes(1), Later.AddMinutes(1), createIfMissing: false);

    /// <summary>A set of a plain value (int, long, string, bool, ...), as MongoDB.Bson maps it.</summary>
    protected static SessionOperation Set(string path, object? value) =>
        SessionOperation.Set(path, value is Guid guid ? new BsonBinaryData(guid, GuidRepresentation.Standard) : BsonValue.Create(value));

    [Test]
    public async Task Missing_session_loads_as_null()
    {
        Assert.That(await Store.LoadAsync(NewId(), Now, default), Is.Null);
    }

    [Test]
    public async Task Update_without_create_never_creates()
    {
        var id = NewId();
        Assert.That(await Store.UpdateAsync(Update(id, Set("a", 1)), default), Is.Null);
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Null);
        Assert.That(await Store.CountAsync(Now, default), Is.Zero);
    }

    [Test]
    public async Task Created_session_loads_with_its_data_and_dates()
    {
        var id = NewId();
        var created = await Store.UpdateAsync(Create(id, Set("user", "ann"), SessionOperation.Increment("views", 2)), default);
        Assert.That(created!.Values.Find("views"), Is.EqualTo(new BsonInt64(2)), "the result holds incremented values");
        Assert.That(created.BrowserSessionCookie, Is.False);
        var loaded = await Store.LoadAsync(id, Now, default);
        Assert.That(loaded, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(loaded!.Id, Is.EqualTo(id));
            Assert.That(loaded.CreatedAt, Is.EqualTo(Now));
            Assert.That(loaded.ExpiresAt, Is.EqualTo(Later));
            Assert.That(loaded.Data.Find("user"), Is.EqualTo(new BsonString("ann")));
            Assert.That(loaded.Data.Find("views"), Is.EqualTo(new BsonInt64(2)));
            Assert.That(loaded.Data.Keys, Is.EqualTo(new[] { "user", "views" }));
        });
    }

    [Test]
    public async Task Session_is_absent_from_the_instant_it_expires()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That(await Store.LoadAsync(id, Later.AddMilliseconds(-1), default), Is.Not.Null);
        Assert.That(await Store.LoadAsync(id, Later, default), Is.Null);
        Assert.That(await Store.CountAsync(Later, default), Is.Zero);
    }

    [Test]
    public async Task The_absolute_expiry_ends_a_session_that_is_still_active()
    {
        var id = NewId();
        var create = new SessionUpdate(id, Hash(id), [Set("a", 1)], Now, Now.AddHours(5), createIfMissing: true) { AbsoluteExpiresAt = Now.AddHours(2) };
        Assert.That((await Store.UpdateAsync(create, default))!.AbsoluteExpiresAt, Is.EqualTo(Now.AddHours(2)));
        var write = new SessionUpdate(id, Hash(id), [Set("b", 2)], Now.AddHours(1), Now.AddHours(6), createIfMissing: false);
        Assert.That((await Store.UpdateAsync(write, default))!.AbsoluteExpiresAt, Is.EqualTo(Now.AddHours(2)));
        Assert.That((await Store.LoadAsync(id, Now.AddHours(2).AddMilliseconds(-1), default))!.AbsoluteExpiresAt, Is.EqualTo(Now.AddHours(2)));
        Assert.That(await Store.LoadAsync(id, Now.AddHours(2), default), Is.Null);
        Assert.That(await Store.CountAsync(Now.AddHours(2), default), Is.Zero);
        Assert.That(await Store.UpdateAsync(new SessionUpdate(id, Hash(id), [Set("c", 3)], Now.AddHours(3), Now.AddHours(9), createIfMissing: false), default), Is.Null);
        Assert.That(await Store.RemoveExpiredAsync(Now.AddHours(3), default), Is.EqualTo(1));
    }

    [Test]
    public async Task Expired_session_is_never_updated_back_to_life()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        var late = new SessionUpdate(id, Hash(id), [Set("b", 2)], Later, Later.AddHours(1), createIfMissing: false);
        Assert.That(await Store.UpdateAsync(late, default), Is.Null);
        Assert.That(await Store.LoadAsync(id, Later.AddMinutes(-1), default), Is.Not.Null.And.Property("ExpiresAt").EqualTo(Later), "the expiry did not move");
    }

    [Test]
    public async Task Creating_over_an_expired_record_starts_empty()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("old", 1)), default);
        var fresh = new SessionUpdate(id, Hash(id), [Set("new", 2)], Later, Later.AddHours(1), createIfMissing: true);
        Assert.That(await Store.UpdateAsync(fresh, default), Is.Not.Null);
        var record = await Store.LoadAsync(id, Later, default);
        Assert.That(record!.Data.Contains("old"), Is.False);
        Assert.That(record.Data.Find("new"), Is.EqualTo(new BsonInt32(2)));
        Assert.That(record.CreatedAt, Is.EqualTo(Later));
    }

    [Test]
    public async Task Update_applies_set_unset_and_increment_on_nested_paths()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("user", new Dictionary<string, object?> { ["name"] = "ann", ["age"] = 30 }), Set("keep", true)), default);
        var result = await Store.UpdateAsync(Update(id, Set("user.name", "bob"), SessionOperation.Unset("user.age"), SessionOperation.Increment("stats.hits", 5), SessionOperation.Unset("nothing.here")), default);
        Assert.That(result!.Values.Find("stats.hits"), Is.EqualTo(new BsonInt64(5)));
        var record = await Store.LoadAsync(id, Now, default);
        Assert.Multiple(() =>
        {
            Assert.That(record!.Data.Find("user.name"), Is.EqualTo(new BsonString("bob")));
            Assert.That(record.Data.Contains("user.age"), Is.False);
            Assert.That(record.Data.Find("stats.hits"), Is.EqualTo(new BsonInt64(5)));
            Assert.That(record.Data.Find("keep"), Is.EqualTo(BsonBoolean.True));
            Assert.That(record.ExpiresAt, Is.EqualTo(Later.AddMinutes(1)));
        });
    }

    [Test]
    public async Task Push_appends_creating_the_array_and_refuses_a_non_array()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("name", "ann")), default);
        await Store.UpdateAsync(Update(id, SessionOperation.Push("cart", new BsonString("apple"))), default);
        await Store.UpdateAsync(Update(id, SessionOperation.Push("cart", new BsonInt32(2))), default);
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("cart"), Is.EqualTo(new BsonArray().Add(new BsonString("apple")).Add(new BsonInt32(2))));
        Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.UpdateAsync(Update(id, SessionOperation.Push("name", new BsonInt32(1))), default));
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("name"), Is.EqualTo(new BsonString("ann")));
    }

    [Test]
    public async Task Pull_removes_and_reports_the_old_value_deciding_by_existence()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("zero", 0), Set("no", false), Set("nothing", null), Set("user.name", "ann")), default);
        var result = await Store.UpdateAsync(Update(id, SessionOperation.Pull("zero"), SessionOperation.Pull("no"), SessionOperation.Pull("nothing"), SessionOperation.Pull("user.name"), SessionOperation.Pull("missing")), default);
        Assert.Multiple(() =>
        {
            Assert.That(result!.Values.Find("zero"), Is.EqualTo(new BsonInt32(0)));
            Assert.That(result.Values.Find("no"), Is.EqualTo(BsonBoolean.False));
            Assert.That(result.Values.Find("nothing"), Is.EqualTo(BsonNull.Value));
            Assert.That(result.Values.Find("user.name"), Is.EqualTo(new BsonString("ann")));
            Assert.That(result.Values.Contains("missing"), Is.False);
        });
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Keys, Is.EqualTo(new[] { "user" }));
        Assert.That(record.Data.Contains("user.name"), Is.False);
    }

    [Test]
    public async Task Clear_removes_all_data_and_keeps_the_session()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1), Set("b", 2)), default);
        Assert.That(await Store.UpdateAsync(Update(id, SessionOperation.Clear()), default), Is.Not.Null);
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Count, Is.Zero);
        Assert.That(record.ExpiresAt, Is.EqualTo(Later.AddMinutes(1)));
    }

    [Test]
    public async Task Increment_of_a_non_number_fails_and_changes_nothing()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("name", "ann")), default);
        Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.UpdateAsync(Update(id, Set("other", 1), SessionOperation.Increment("name", 1)), default));
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Contains("other"), Is.False, "all or none");
        Assert.That(record.ExpiresAt, Is.EqualTo(Later));
    }

    [Test]
    public async Task Path_through_a_non_document_fails_and_changes_nothing()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("name", "ann")), default);
        Assert.ThrowsAsync<InvalidOperationException>(async () => await Store.UpdateAsync(Update(id, Set("name.first", "x")), default));
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("name"), Is.EqualTo(new BsonString("ann")));
    }

    [Test]
    public async Task Records_returned_are_copies()
    {
        var id = NewId();
        var created = await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        created!.Values.Apply([Set("b", 2)]);
        var loaded = await Store.LoadAsync(id, Now, default);
        loaded!.Data.Apply([Set("c", 3)]);
        var again = await Store.LoadAsync(id, Now, default);
        Assert.That(again!.Data.Keys, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task Update_without_expiry_keeps_the_stored_one_and_browser_session_flag_sticks()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        var flag = new SessionUpdate(id, Hash(id), [], Now, expiresAt: null, createIfMissing: false) { BrowserSessionCookie = true };
        Assert.That((await Store.UpdateAsync(flag, default))!.BrowserSessionCookie, Is.True);
        Assert.That((await Store.LoadAsync(id, Now, default))!.ExpiresAt, Is.EqualTo(Later));
        Assert.That((await Store.UpdateAsync(Update(id, Set("b", 2)), default))!.BrowserSessionCookie, Is.True);
        Assert.That((await Store.LoadAsync(id, Now, default))!.BrowserSessionCookie, Is.True);
    }

    [Test]
    public async Task Extend_only_never_moves_the_expiry_earlier_and_the_result_says_what_was_kept()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);

        // earlier than the stored expiry: kept by a store that honours ExtendOnly, set by one that does not
        var earlier = new SessionUpdate(id, Hash(id), [Set("b", 2)], Now.AddMinutes(1), Later.AddMinutes(-1), createIfMissing: false) { ExtendOnly = true };
        var result = (await Store.UpdateAsync(earlier, default))!;
        var stored = (await Store.LoadAsync(id, Now, default))!;
        Assert.That(stored.Data.ToDictionary()["b"], Is.EqualTo(2), "the rest of the update applies either way");
        Assert.That(stored.ExpiresAt, Is.EqualTo(result.ExpiresAt ?? Later.AddMinutes(-1)), "the result reports the expiry the store kept");
        Assert.That(stored.ExpiresAt, Is.EqualTo(HonoursExtendOnly ? Later : Later.AddMinutes(-1)));

        // later: moved by every store, and reported as the update's own expiry
        var later = new SessionUpdate(id, Hash(id), [Set("c", 3)], Now.AddMinutes(2), Later.AddMinutes(20), createIfMissing: false) { ExtendOnly = true };
        result = (await Store.UpdateAsync(later, default))!;
        Assert.That(result.ExpiresAt ?? Later.AddMinutes(20), Is.EqualTo(Later.AddMinutes(20)));
        Assert.That((await Store.LoadAsync(id, Now, default))!.ExpiresAt, Is.EqualTo(Later.AddMinutes(20)));

        if (HonoursExtendOnly)
        {
            // an increment (whose result is the value after the update) and a pull (the value before it) report the
            // kept expiry too
            var increment = new SessionUpdate(id, Hash(id), [SessionOperation.Increment("n", 1)], Now.AddMinutes(3), Later.AddMinutes(10), createIfMissing: false) { ExtendOnly = true };
            Assert.That((await Store.UpdateAsync(increment, default))!.ExpiresAt, Is.EqualTo(Later.AddMinutes(20)));
            var pull = new SessionUpdate(id, Hash(id), [SessionOperation.Pull("b")], Now.AddMinutes(4), Later.AddMinutes(30), createIfMissing: false) { ExtendOnly = true };
            result = (await Store.UpdateAsync(pull, default))!;
            Assert.That(result.ExpiresAt, Is.EqualTo(Later.AddMinutes(30)));
            Assert.That(result.Values.ToDictionary()["b"], Is.EqualTo(2));
            Assert.That((await Store.LoadAsync(id, Now, default))!.ExpiresAt, Is.EqualTo(Later.AddMinutes(30)));

            // the same expiry again: kept, and reported equal (two writes asking for the same expiry both see it set)
            var same = new SessionUpdate(id, Hash(id), [], Now.AddMinutes(5), Later.AddMinutes(30), createIfMissing: false) { ExtendOnly = true };
            Assert.That((await Store.UpdateAsync(same, default))!.ExpiresAt, Is.EqualTo(Later.AddMinutes(30)));
        }
    }

    [Test]
    public async Task A_csrf_token_is_added_once_and_replaced_only_on_request()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        SessionUpdate Token(string token, bool replace) => new(id, Hash(id), [], Now, Later, createIfMissing: false) { CsrfToken = token, ReplaceCsrfToken = replace };
        Assert.That((await Store.UpdateAsync(Token("first", replace: false), default))!.CsrfToken, Is.EqualTo("first"));
        Assert.That((await Store.UpdateAsync(Token("second", replace: false), default))!.CsrfToken, Is.EqualTo("first"), "a first use that lost the race gets the winner's token");
        Assert.That((await Store.UpdateAsync(Token("third", replace: true), default))!.CsrfToken, Is.EqualTo("third"));
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.CsrfToken, Is.EqualTo("third"));
        Assert.That(record.Data.Keys, Is.EqualTo(new[] { "a" }), "the token is not session data");
        Assert.That((await Store.UpdateAsync(Update(id, Set("b", 2)), default))!.CsrfToken, Is.EqualTo("third"));
    }

    [Test]
    public async Task A_first_csrf_token_that_lost_the_race_reports_the_expiry_the_store_kept()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        await Store.UpdateAsync(new SessionUpdate(id, Hash(id), [], Now, Later, createIfMissing: false) { CsrfToken = "first" }, default);
        foreach (bool extendOnly in new[] { true, false })
        {
            var asked = Later.AddMinutes(extendOnly ? 10 : 20);
            var lost = new SessionUpdate(id, Hash(id), [], Now, asked, createIfMissing: false) { CsrfToken = "second", ExtendOnly = extendOnly };
            var result = (await Store.UpdateAsync(lost, default))!;
            Assert.That(result.CsrfToken, Is.EqualTo("first"));
            Assert.That((await Store.LoadAsync(id, Now, default))!.ExpiresAt, Is.EqualTo(result.ExpiresAt ?? asked),
                $"ExtendOnly = {extendOnly}: the result reports the expiry the store kept (MongoSess sends the cookie with it)");
        }
    }

    [Test]
    public async Task Concurrent_first_uses_agree_on_one_csrf_token()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        var tokens = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            (await Store.UpdateAsync(new SessionUpdate(id, Hash(id), [], Now, Later, createIfMissing: false) { CsrfToken = $"token{i}" }, default))!.CsrfToken)));
        Assert.That(tokens.Distinct().Count(), Is.EqualTo(1));
        Assert.That((await Store.LoadAsync(id, Now, default))!.CsrfToken, Is.EqualTo(tokens[0]));
    }

    [Test]
    public async Task Flash_entries_live_beside_the_data_and_are_pulled_atomically()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1), SessionOperation.FlashSet("msg.e1", new BsonString("hi"))), default);
        await Store.UpdateAsync(Update(id, SessionOperation.FlashSet("msg.e2", new BsonString("there"))), default);
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Keys, Is.EqualTo(new[] { "a" }));
        Assert.That(record.Flash.Find("msg.e1"), Is.EqualTo(new BsonString("hi")));
        var taken = await Store.UpdateAsync(Update(id, SessionOperation.FlashPull("msg.e1"), SessionOperation.FlashPull("msg.e2")), default);
        Assert.That(taken!.FlashValues.Find("msg.e1"), Is.EqualTo(new BsonString("hi")));
        Assert.That(taken.FlashValues.Find("msg.e2"), Is.EqualTo(new BsonString("there")));
        var again = await Store.UpdateAsync(Update(id, SessionOperation.FlashPull("msg.e1")), default);
        Assert.That(again!.FlashValues.Contains("msg.e1"), Is.False, "taken once");
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("a"), Is.EqualTo(new BsonInt32(1)));
    }

    [Test]
    public async Task End_where_ends_the_live_sessions_that_match()
    {
        var ann1 = NewId();
        var ann2 = NewId();
        var bob = NewId();
        await Store.UpdateAsync(Create(ann1, Set("user.id", 42)), default);
        await Store.UpdateAsync(Create(ann2, Set("user.id", 42L)), default);
        await Store.UpdateAsync(Create(bob, Set("user.id", 7)), default);
        var match = new SessionMatch("user.id", new BsonInt32(42));
        Assert.That(await Store.EndWhereAsync(match, Now, default), Is.EqualTo(2));
        Assert.That(await Store.LoadAsync(ann1, Now, default), Is.Null);
        Assert.That(await Store.LoadAsync(ann2, Now, default), Is.Null);
        Assert.That(await Store.LoadAsync(bob, Now, default), Is.Not.Null);
    }

    [Test]
    public async Task End_removes_and_a_missing_key_is_not_an_error()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That(await Store.EndAsync(id, null, default), Is.True);
        Assert.That(await Store.EndAsync(id, null, default), Is.False);
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Null);
    }

    [Test]
    public async Task A_record_keeps_the_token_hash_and_opens_only_to_it()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.TokenHash, Is.EqualTo(Hash(id)));
        Assert.That(record.TokenReplacedAt, Is.Null);

        var wrong = new SessionUpdate(id, Hash("another token"), [Set("a", 2)], Now, Later, createIfMissing: false);
        Assert.That(await Store.UpdateAsync(wrong, default), Is.Null, "another token's update changes nothing");
        var wrongCreate = new SessionUpdate(id, Hash("another token"), [Set("a", 3)], Now, Later, createIfMissing: true);
        Assert.That(await Store.UpdateAsync(wrongCreate, default), Is.Null, "nor may it create over a live session");
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("a"), Is.EqualTo(new BsonInt32(1)));
    }

    [Test]
    public async Task A_regeneration_swaps_the_token_hash_in_the_same_step_as_its_operations()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        var regenerate = new SessionUpdate(id, Hash(id), [SessionOperation.Increment("n", 1)], Now.AddMinutes(1), Later.AddMinutes(1), createIfMissing: false)
        {
            NewTokenHash = Hash("new token"),
        };
        var result = await Store.UpdateAsync(regenerate, default);
        Assert.That(result!.Values.Find("n"), Is.EqualTo(new BsonInt64(1)));

        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.TokenHash, Is.EqualTo(Hash("new token")));
        Assert.That(record.TokenReplacedAt, Is.EqualTo(Now.AddMinutes(1)));
        Assert.That(record.Data.Find("a"), Is.EqualTo(new BsonInt32(1)), "the data stays where it is");
        Assert.That(await Store.UpdateAsync(Update(id, Set("old", 1)), default), Is.Null, "the old token's writes change nothing");
        var withNew = new SessionUpdate(id, Hash("new token"), [Set("new", 1)], Now.AddMinutes(2), Later.AddMinutes(2), createIfMissing: false);
        Assert.That(await Store.UpdateAsync(withNew, default), Is.Not.Null);
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Keys, Is.EquivalentTo(new[] { "a", "n", "new" }));
    }

    [Test]
    public async Task A_session_keeps_its_own_idle_timeout_and_reports_it_with_every_write()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That((await Store.LoadAsync(id, Now, default))!.IdleTimeout, Is.Null, "none until set");

        var remember = new SessionUpdate(id, Hash(id), [], Now, Now.AddDays(30), createIfMissing: false) { IdleTimeout = TimeSpan.FromDays(30) };
        Assert.That((await Store.UpdateAsync(remember, default))!.IdleTimeout, Is.EqualTo(TimeSpan.FromDays(30)));
        Assert.That((await Store.LoadAsync(id, Now, default))!.IdleTimeout, Is.EqualTo(TimeSpan.FromDays(30)));

        var plain = await Store.UpdateAsync(Update(id, SessionOperation.Increment("n", 1)), default);
        Assert.That(plain!.IdleTimeout, Is.EqualTo(TimeSpan.FromDays(30)), "a write that does not set it still reports it");
    }

    [Test]
    public async Task A_users_sessions_are_listed_and_ended_by_user_leaving_others_alone()
    {
        var (a1, a2, a3, b1) = (NewId(), NewId(), NewId(), NewId());
        foreach (var (id, user) in new[] { (a1, "ann"), (a2, "ann"), (a3, "ann"), (b1, "bob") })
        {
            await Store.UpdateAsync(Create(id, Set("n", 1)), default);
            var tie = new SessionUpdate(id, Hash(id), [], Now, Later, createIfMissing: false)
            {
                UserId = user,
                ClientInfo = new Dictionary<string, string> { ["agent"] = "browser of " + id[..4] },
            };
            Assert.That(await Store.UpdateAsync(tie, default), Is.Not.Null);
        }
        var listed = new List<SessionRecord>();
        await foreach (var record in Store.ListByUserAsync("ann", Now, default))
        {
            listed.Add(record);
        }
        Assert.That(listed.Select(r => r.Id), Is.EquivalentTo(new[] { a1, a2, a3 }));
        Assert.That(listed.Single(r => r.Id == a1).ClientInfo!["agent"], Is.EqualTo("browser of " + a1[..4]));
        Assert.That(listed.All(r => r.UserId == "ann"), Is.True);

        Assert.That(await Store.EndByUserAsync("ann", exceptId: a2, Now, default), Is.EqualTo(2));
        Assert.That(await Store.LoadAsync(a2, Now, default), Is.Not.Null, "the excepted session stays");
        Assert.That(await Store.LoadAsync(a1, Now, default), Is.Null);
        Assert.That(await Store.LoadAsync(b1, Now, default), Is.Not.Null, "another user's session stays");
        Assert.That(await Store.EndByUserAsync("ann", exceptId: null, Now, default), Is.EqualTo(1));
        await foreach (var _ in Store.ListByUserAsync("ann", Now, default))
        {
            Assert.Fail("ann has no session left");
        }
    }

    [Test]
    public async Task Expected_version_makes_an_update_a_compare_and_swap()
    {
        var id = NewId();
        var create = new SessionUpdate(id, Hash(id), [Set("a", 1)], Now, Later, createIfMissing: true) { ExpectedVersion = 0 };
        Assert.That(await Store.UpdateAsync(create, default), Is.Not.Null);
        Assert.That((await Store.LoadAsync(id, Now, default))!.Version, Is.EqualTo(1), "created at version 1");

        var first = new SessionUpdate(id, Hash(id), [Set("a", 2)], Now, Later, createIfMissing: false) { ExpectedVersion = 1 };
        Assert.That(await Store.UpdateAsync(first, default), Is.Not.Null);
        var stale = new SessionUpdate(id, Hash(id), [Set("a", 3)], Now, Later, createIfMissing: false) { ExpectedVersion = 1 };
        Assert.That(await Store.UpdateAsync(stale, default), Is.Null, "a write expecting an older version changes nothing");

        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Version, Is.EqualTo(2));
        Assert.That(record.Data.Find("a"), Is.EqualTo(new BsonInt32(2)));
    }

    [Test]
    public async Task End_with_a_token_hash_ends_only_the_session_holding_that_token()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("a", 1)), default);
        Assert.That(await Store.EndAsync(id, Hash("another token"), default), Is.False);
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Not.Null);
        Assert.That(await Store.EndAsync(id, Hash(id), default), Is.True);
        Assert.That(await Store.LoadAsync(id, Now, default), Is.Null);
    }

    [Test]
    public async Task Count_list_clear_and_remove_expired_see_only_what_they_should()
    {
        var live = NewId();
        var dying = NewId();
        await Store.UpdateAsync(new SessionUpdate(live, Hash(live), [Set("n", 1)], Now, Later.AddHours(5), createIfMissing: true), default);
        await Store.UpdateAsync(Create(dying, Set("n", 2)), default);
        var afterDying = Later.AddMinutes(1);

        Assert.That(await Store.CountAsync(Now, default), Is.EqualTo(2));
        Assert.That(await Store.CountAsync(afterDying, default), Is.EqualTo(1));
        var listed = new List<string>();
        await foreach (var record in Store.ListAsync(afterDying, default))
        {
            listed.Add(record.Id);
        }
        Assert.That(listed, Is.EqualTo(new[] { live }));

        Assert.That(await Store.RemoveExpiredAsync(afterDying, default), Is.EqualTo(1));
        Assert.That(await Store.RemoveExpiredAsync(afterDying, default), Is.Zero);
        Assert.That(await Store.LoadAsync(live, afterDying, default), Is.Not.Null);

        await Store.ClearAsync(default);
        Assert.That(await Store.CountAsync(Now, default), Is.Zero);
    }

    /// <summary>Updates per worker in the concurrency tests: enough for lost updates to show on this store.</summary>
    protected virtual int UpdatesPerWorker => 500;

    [Test]
    public async Task Concurrent_increments_on_one_session_lose_nothing()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("start", true)), default);
        int workers = Environment.ProcessorCount * 2;
        // all workers start together, so their updates really overlap
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            for (int i = 0; i < UpdatesPerWorker; i++)
            {
                await Store.UpdateAsync(Update(id, SessionOperation.Increment("n", 1), Set("other", i)), default);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(running);
        Assert.That((await Store.LoadAsync(id, Now, default))!.Data.Find("n"), Is.EqualTo(new BsonInt64(workers * UpdatesPerWorker)));
    }

    [Test]
    public async Task Concurrent_sets_of_different_keys_lose_nothing()
    {
        var id = NewId();
        await Store.UpdateAsync(Create(id, Set("start", true)), default);
        const int Writers = 50;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
            await Store.UpdateAsync(Update(id, Set($"k{i}", i)), default))));
        var record = await Store.LoadAsync(id, Now, default);
        Assert.That(record!.Data.Count, Is.EqualTo(Writers + 1));
        Assert.That(Enumerable.Range(0, Writers).All(i => record.Data.Find($"k{i}") == new BsonInt32(i)), Is.True);
    }

    [Test]
    public async Task Every_value_type_round_trips_through_the_store()
    {
        var id = NewId();
        var when = new DateTime(2026, 5, 4, 3, 2, 1, 123, DateTimeKind.Utc);
        var guid = Guid.NewGuid();
        await Store.UpdateAsync(Create(id,
            Set("null", null), Set("bool", true), Set("int", 42), Set("long", 1L << 40), Set("double", 2.5), Set("decimal", 10.25m),
            Set("date", when), Set("guid", guid), Set("bytes", new byte[] { 1, 2, 3 }), Set("list", new[] { 1, 2 }),
            Set("dict", new Dictionary<string, object?> { ["x"] = "y" }), Set("text", "héllo\u0000wörld")), default);
        var data = (await Store.LoadAsync(id, Now, default))!.Data.ToDictionary();
        Assert.Multiple(() =>
        {
            Assert.That(data["null"], Is.Null);
            Assert.That(data["bool"], Is.EqualTo(true));
            Assert.That(data["int"], Is.EqualTo(42).And.TypeOf<int>());
            Assert.That(data["long"], Is.EqualTo(1L << 40).And.TypeOf<long>());
            Assert.That(data["double"], Is.EqualTo(2.5).And.TypeOf<double>());
            Assert.That(data["decimal"], Is.EqualTo(10.25m).And.TypeOf<decimal>());
            Assert.That(data["date"], Is.EqualTo(when));
            Assert.That(data["guid"], Is.EqualTo(guid));
            Assert.That(data["bytes"], Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(data["list"], Is.EqualTo(new List<object?> { 1, 2 }));
            Assert.That(data["dict"], Is.EqualTo(new Dictionary<string, object?> { ["x"] = "y" }));
            Assert.That(data["text"], Is.EqualTo("héllo\u0000wörld"));
        });
    }
}
