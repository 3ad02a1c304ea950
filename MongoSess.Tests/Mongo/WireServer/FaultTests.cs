using System.Buffers.Binary;
using System.Diagnostics;
using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class FaultTests : WireServerTest
{
    private static BsonDocument Insert(int id) => Doc("insert", "c", "documents", Arr(Doc("_id", id)), "$db", "test");

    [Test]
    public async Task CloseBeforeReply_drops_the_connection_and_applies_nothing()
    {
        Server.Faults.CloseBeforeReply("insert");
        await Client.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Insert(1)));
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
        Assert.That(Server.Store.Documents("test", "c"), Is.Empty);

        await using var next = await RawMongoClient.ConnectAsync(Server);
        Assert.That((await next.RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1))))).Int("n"), Is.EqualTo(1), "the fault fired once");
        Assert.That(Server.Faults.Fired, Is.EqualTo(1));
    }

    [Test]
    public async Task CloseAfterExecute_applies_the_write_and_loses_the_reply()
    {
        Server.Faults.CloseAfterExecute("insert");
        await Client.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Insert(1)));
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
        Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Fail_answers_with_the_error_for_the_next_N_commands()
    {
        Server.Faults.Fail("insert", 10107, times: 2);
        var first = await RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1))));
        AssertError(first, 10107, "NotWritablePrimary");
        Assert.That(first.Contains("errorLabels"), Is.False, "no txnNumber, no label");
        AssertError(await RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1)))), 10107, "NotWritablePrimary");
        Assert.That((await RunAsync(Doc("insert", "c", "documents", Arr(Doc("_id", 1))))).Int("n"), Is.EqualTo(1));
    }

    [Test]
    public async Task Fail_with_labels_sends_exactly_those_labels()
    {
        Server.Faults.Fail("find", 91, errorLabels: ["RetryableWriteError", "SystemOverloadedError"], message: "shutting down");
        var reply = await RunAsync(Doc("find", "c"));
        Assert.That(reply, Is.EqualTo(Doc(
            "ok", 0.0, "errmsg", "shutting down", "code", 91, "codeName", "ShutdownInProgress",
            "errorLabels", Arr("RetryableWriteError", "SystemOverloadedError"))));
    }

    [Test]
    public async Task Delay_holds_the_reply()
    {
        Server.Faults.Delay("ping", TimeSpan.FromMilliseconds(150), times: 1);
        var watch = Stopwatch.StartNew();
        await RunAsync(Doc("ping", 1), "admin");
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(140)));
        watch.Restart();
        await RunAsync(Doc("ping", 1), "admin");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(140)));
    }

    [Test]
    public async Task Malformed_truncated_reply_ends_early()
    {
        var bytes = await MalformedReplyTo(MalformedReply.Truncated);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.GreaterThan(bytes.Length));
    }

    [Test]
    public async Task Malformed_wrong_length_announces_more_than_is_sent()
    {
        var bytes = await MalformedReplyTo(MalformedReply.WrongLength);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.EqualTo(bytes.Length + 100));
    }

    [Test]
    public async Task Malformed_oversized_length_exceeds_the_message_limit()
    {
        var bytes = await MalformedReplyTo(MalformedReply.OversizedLength);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.GreaterThan(48_000_000));
    }

    [Test]
    public async Task Malformed_responseTo_names_another_request()
    {
        int id = RawMongoClient.NextRequestId();
        Server.Faults.Malform("ping", MalformedReply.WrongResponseTo);
        await Client.SendAsync(RawMongoClient.OpMsg(id, Doc("ping", 1, "$db", "admin")));
        var bytes = await Client.ReadToEndAsync();
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)), Is.Not.EqualTo(id));
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.EqualTo(bytes.Length));
    }

    [Test]
    public async Task Malformed_bson_does_not_decode()
    {
        var bytes = await MalformedReplyTo(MalformedReply.InvalidBson);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes), Is.EqualTo(bytes.Length));
        Assert.Throws<BsonFormatException>(() => BsonBinaryReader.ReadDocument(bytes.AsSpan(21)));
    }

    [Test]
    public async Task Malformed_opcode_is_not_OP_MSG()
    {
        var bytes = await MalformedReplyTo(MalformedReply.WrongOpcode);
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)), Is.Not.EqualTo(2013));
    }

    private async Task<byte[]> MalformedReplyTo(MalformedReply how)
    {
        Server.Faults.Malform("ping", how);
        await Client.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Doc("ping", 1, "$db", "admin")));
        var bytes = await Client.ReadToEndAsync();
        Assert.That(bytes, Has.Length.GreaterThan(16));
        return bytes;
    }
}
