using System.Text.Json.Serialization;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Sessions;

[TestFixture]
public sealed class ValueTests : SessionTestBase
{
    public sealed record Address(string City, int Zip);

    public sealed class Profile
    {
        public string Name { get; set; } = "";

        public DateTime Born { get; set; }

        public Guid Key { get; set; }

        public List<string> Tags { get; set; } = [];

        public Address? Home { get; set; }

        [JsonIgnore]
        public string Password { get; set; } = "";

        public DayOfWeek Day { get; set; }
    }


    [Test]
    public async Task Each_supported_type_reads_back_as_the_type_it_was_written_with()
    {
        var when = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var result = await RoundTripAsync(
            s => s.SetAsync(new Dictionary<string, object?>
            {
                ["n"] = null, ["b"] = true, ["s"] = "text", ["i"] = 7, ["l"] = 7L, ["d"] = 0.5, ["m"] = 1.50m,
                ["dt"] = when, ["dto"] = new DateTimeOffset(when).ToOffset(TimeSpan.FromHours(2)), ["g"] = guid,
                ["bytes"] = new byte[] { 9, 8 }, ["list"] = new List<int> { 1, 2 }, ["arr"] = new[] { "x" },
                ["dict"] = new Dictionary<string, int> { ["k"] = 1 },
            }),
            async s =>
            {
                var all = await s.GetAsync();
                return string.Join(";", all.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value?.GetType().Name ?? "null"}"));
            });
        Assert.That(result, Is.EqualTo(
            "arr:List`1;b:Boolean;bytes:Byte[];d:Double;dict:Dictionary`2;dt:DateTime;dto:DateTime;g:Guid;i:Int32;l:Int64;list:List`1;m:Decimal;n:null;s:String"));
    }

    [Test]
    public async Task Typed_gets_convert_and_keep_precision()
    {
        var when = new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        var result = await RoundTripAsync(
            s => s.SetAsync(new { i = 7, m = 1.50m, when, offset = new DateTimeOffset(when), bytes = new byte[] { 1 }, tags = new[] { "a", "b" } }),
            async s => string.Join("|",
                await s.GetAsync<long>("i"), await s.GetAsync<double>("i"), (await s.GetAsync<decimal>("m")).ToString(System.Globalization.CultureInfo.InvariantCulture),
                (await s.GetAsync<DateTime>("when")).ToString("O"), (await s.GetAsync<DateTimeOffset>("offset")).ToString("O"),
                (await s.GetAsync<byte[]>("bytes"))!.Length, string.Join(",", (await s.GetAsync<List<string>>("tags"))!),
                await s.GetAsync<int?>("missing") is null, await s.GetAsync<string>("missing") is null, await s.GetAsync<int>("missing")));
        Assert.That(result, Is.EqualTo("7|7|1.50|2026-01-02T03:04:05.6780000Z|2026-01-02T03:04:05.6780000+00:00|1|a,b|True|True|0"));
    }

    [Test]
    public async Task Objects_and_records_round_trip_through_System_Text_Json()
    {
        var profile = new Profile
        {
            Name = "ann", Born = new DateTime(1990, 5, 6, 0, 0, 0, DateTimeKind.Utc), Key = Guid.NewGuid(), Tags = ["x", "y"],
            Home = new Address("Oslo", 150), Password = "never-stored", Day = DayOfWeek.Friday,
        };
        var result = await RoundTripAsync(
            s => s.SetAsync("profile", profile),
            async s =>
            {
                var back = await s.GetAsync<Profile>("profile");
                var raw = (IReadOnlyDictionary<string, object?>)(await s.GetAsync())["profile"]!;
                return $"{back!.Name}|{back.Born:O}|{back.Key == profile.Key}|{string.Join(",", back.Tags)}|{back.Home}|{back.Password}|{back.Day}|" +
                    $"{raw["Born"]!.GetType().Name}|{raw["Key"]!.GetType().Name}|{raw.ContainsKey("Password")}|{await s.GetAsync<string>("profile.Home.City")}";
            });
        Assert.That(result, Is.EqualTo("ann|1990-05-06T00:00:00.0000000Z|True|x,y|Address { City = Oslo, Zip = 150 }||Friday|DateTime|Guid|False|Oslo"));
    }

    [Test]
    public async Task Dotted_keys_address_nested_values_and_del_removes_them()
    {
        var result = await RoundTripAsync(
            async s =>
            {
                await s.SetAsync("user.name", "ann");
                await s.SetAsync("user.role", "admin");
                await s.IncrementAsync("user.visits", 3);
                await s.DelAsync("user.role");
            },
            async s => $"{await s.GetAsync<string>("user.name")}|{await s.GetAsync<string>("user.role") ?? "gone"}|{await s.GetAsync<long>("user.visits")}");
        Assert.That(result, Is.EqualTo("ann|gone|3"));
    }

    [TestCase("")]
    [TestCase("$where")]
    [TestCase("a.$b")]
    [TestCase("a..b")]
    [TestCase(".a")]
    [TestCase("a.")]
    [TestCase("_id")]
    [TestCase("_id.x")]
    [TestCase("nul\0key")]
    public async Task Invalid_keys_are_argument_errors(string key)
    {
        Serve(async (session, ctx) =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync(key, 1));
            Assert.ThrowsAsync<ArgumentException>(() => session.GetAsync<int>(key));
            Assert.ThrowsAsync<ArgumentException>(() => session.DelAsync(key));
            Assert.ThrowsAsync<ArgumentException>(() => session.IncrementAsync(key));
            return "checked";
        });
        using var client = Server!.CreateRawClient();
        Assert.That(await GetTextAsync(client, "/"), Is.EqualTo("checked"));
        Assert.That(Store.TotalCalls, Is.Zero);
    }

    [Test]
    public async Task Unsupported_values_and_overlapping_keys_are_argument_errors_naming_the_key()
    {
        Serve(async (session, ctx) =>
        {
            var e1 = Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync("callback", new Action(() => { })));
            var e2 = Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync("big", ulong.MaxValue));
            var e3 = Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync(new Dictionary<string, object?> { ["a"] = 1, ["a.b"] = 2 }));
            var e4 = Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync((object)"just a string"));
            var loop = new List<object?>();
            loop.Add(loop);
            var e5 = Assert.ThrowsAsync<ArgumentException>(() => session.SetAsync("loop", loop));
            return string.Join("|", e1!.Message.Contains("'callback'"), e2!.Message.Contains("'big'"), e3!.Message.Contains("overlap"),
                e4!.Message.Contains("SetAsync(key, value)"), e5!.Message.Contains("'loop'"));
        });
        using var client = Server!.CreateRawClient();
        Assert.That(await GetTextAsync(client, "/"), Is.EqualTo("True|True|True|True|True"));
        Assert.That(Store.TotalCalls, Is.Zero, "nothing was written");
    }

    [Test]
    public async Task Reading_a_value_as_an_incompatible_type_names_the_key()
    {
        var result = await RoundTripAsync(
            s => s.SetAsync("name", "ann"),
            async s =>
            {
                var e = Assert.ThrowsAsync<InvalidCastException>(() => s.GetAsync<int>("name"));
                return e!.Message;
            });
        Assert.That(result, Does.Contain("'name'").And.Contain("Int32"));
    }

    [Test]
    public async Task Incrementing_a_string_fails_and_keeps_the_value()
    {
        var result = await RoundTripAsync(
            s => s.SetAsync("views", "many"),
            async s =>
            {
                Assert.ThrowsAsync<InvalidOperationException>(() => s.IncrementAsync("views"));
                return await s.GetAsync<string>("views") ?? "null";
            });
        Assert.That(result, Is.EqualTo("many"));
    }

    [Test]
    public async Task Increment_by_any_amount_returns_the_new_value()
    {
        var result = await RoundTripAsync(
            async s =>
            {
                await s.SetAsync("small", 5);
                await s.IncrementAsync("small", -7);
            },
            async s => $"{await s.IncrementAsync("small", 10)}|{await s.IncrementAsync("fresh", long.MaxValue)}");
        Assert.That(result, Is.EqualTo($"8|{long.MaxValue}"));
    }
}
