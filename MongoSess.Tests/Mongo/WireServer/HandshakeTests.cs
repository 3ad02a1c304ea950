using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MongoSessions.Bson;
using MongoSessions.Tests.Support.MongoWire;
using static MongoSessions.Tests.Mongo.WireServer.Bson;

namespace MongoSessions.Tests.Mongo.WireServer;

internal sealed class HandshakeTests : WireServerTest
{
    [Test]
    public async Task Legacy_isMaster_over_OP_QUERY_is_answered_with_OP_REPLY()
    {
        var (reply, flags, returned) = await Client.QueryAsync(Doc("isMaster", 1, "helloOk", true, "client", Doc("application", Doc("name", "t"))));
        Assert.Multiple(() =>
        {
            Assert.That(flags, Is.Zero);
            Assert.That(returned, Is.EqualTo(1));
            Assert.That(reply["ismaster"], Is.EqualTo(BsonBoolean.True));
            Assert.That(reply.Contains("isWritablePrimary"), Is.False);
            Assert.That(reply["helloOk"], Is.EqualTo(BsonBoolean.True));
            Assert.That(reply.Int("maxWireVersion"), Is.EqualTo(21));
            Assert.That(reply.Int("minWireVersion"), Is.Zero);
            Assert.That(reply.Ok(), Is.EqualTo(1.0));
            Assert.That(Server.Statistics.ClientMetadata.Single().Sub("application").Str("name"), Is.EqualTo("t"));
        });
    }

    [Test]
    public async Task Hello_over_OP_MSG_has_every_standalone_field()
    {
        var reply = await RunAsync(Doc("hello", 1), "admin");
        Assert.Multiple(() =>
        {
            Assert.That(reply["isWritablePrimary"], Is.EqualTo(BsonBoolean.True));
            Assert.That(reply.Contains("helloOk"), Is.False, "helloOk only when asked");
            Assert.That(reply.Sub("topologyVersion")["processId"], Is.InstanceOf<BsonObjectId>());
            Assert.That(reply.Sub("topologyVersion")["counter"], Is.InstanceOf<BsonInt64>());
            Assert.That(reply.Int("maxBsonObjectSize"), Is.EqualTo(16777216));
            Assert.That(reply.Int("maxMessageSizeBytes"), Is.EqualTo(48000000));
            Assert.That(reply.Int("maxWriteBatchSize"), Is.EqualTo(100000));
            Assert.That(reply["localTime"], Is.InstanceOf<BsonDateTime>());
            Assert.That(reply.Int("logicalSessionTimeoutMinutes"), Is.EqualTo(30));
            Assert.That(reply.Int("connectionId"), Is.EqualTo(1));
            Assert.That(reply.Contains("setName"), Is.False);
            Assert.That(reply.Ok(), Is.EqualTo(1.0));
            Assert.That(Server.Statistics.CommandCount("hello"), Is.EqualTo(1));
            Assert.That(Server.Statistics.ConnectionsOpen, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Client_metadata_is_accepted_only_in_the_first_hello()
    {
        var first = await RunAsync(Doc("hello", 1, "client", Doc("driver", Doc("name", "x"))), "admin");
        var second = await RunAsync(Doc("hello", 1, "client", Doc("driver", Doc("name", "x"))), "admin");
        Assert.That(first.Ok(), Is.EqualTo(1.0));
        AssertError(second, 186, "ClientMetadataCannotBeMutated");
    }

    [Test]
    public async Task Build_info_reports_the_release_of_the_wire_version()
    {
        Assert.That((await RunAsync(Doc("buildInfo", 1), "admin")).Str("version"), Is.EqualTo("7.0.0"));
        await using var older = MongoWireServer.Start(new MongoWireServerOptions { MaxWireVersion = 8 });
        await using var client = await RawMongoClient.ConnectAsync(older);
        var reply = await client.RunAsync(Doc("buildinfo", 1), "admin");
        Assert.That(reply.Str("version"), Is.EqualTo("4.2.0"));
        Assert.That((await client.RunAsync(Doc("hello", 1), "admin")).Int("maxWireVersion"), Is.EqualTo(8));
    }

    [Test]
    public async Task Unknown_commands_fail_with_CommandNotFound()
    {
        AssertError(await RunAsync(Doc("frobnicate", 1)), 59, "CommandNotFound");
        Assert.That(await RunAsync(Doc("ping", 1)), Is.EqualTo(Doc("ok", 1.0)));
    }

    [Test]
    public async Task OP_MSG_without_db_is_refused()
    {
        int id = RawMongoClient.NextRequestId();
        await Client.SendAsync(RawMongoClient.OpMsg(id, Doc("ping", 1)));
        var reply = RawMongoClient.ParseOpMsgBody((await Client.ReadAsync())!.Value.Body);
        Assert.That(reply.Int("code"), Is.EqualTo(40571));
    }

    [Test]
    public async Task OP_QUERY_is_only_for_the_handshake()
    {
        var (reply, _, _) = await Client.QueryAsync(Doc("find", "c"), "test.$cmd");
        AssertError(reply, 352, "UnsupportedOpQueryCommand");
    }

    [Test]
    public async Task Document_sequences_are_merged_into_the_command()
    {
        var reply = await Client.RunAsync(Doc("insert", "c"), "test", ("documents", [Doc("_id", 1), Doc("_id", 2)]));
        Assert.That(reply.Int("n"), Is.EqualTo(2));
        Assert.That(Server.Store.Documents("test", "c"), Has.Count.EqualTo(2));
        Assert.That(Server.Statistics.Commands.Last().Items("documents"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_valid_checksum_is_accepted_and_a_wrong_one_closes_the_connection()
    {
        int id = RawMongoClient.NextRequestId();
        await Client.SendAsync(RawMongoClient.OpMsg(id, Doc("ping", 1, "$db", "admin"), checksum: true));
        Assert.That((await Client.ReadAsync())!.Value.ResponseTo, Is.EqualTo(id));

        var corrupt = RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Doc("ping", 1, "$db", "admin"), checksum: true);
        corrupt[^1] ^= 0xFF;
        await Client.SendAsync(corrupt);
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task An_unknown_required_flag_bit_closes_the_connection()
    {
        await Client.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Doc("ping", 1, "$db", "admin"), flags: 1u << 5));
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task An_unknown_optional_flag_bit_is_ignored()
    {
        int id = RawMongoClient.NextRequestId();
        await Client.SendAsync(RawMongoClient.OpMsg(id, Doc("ping", 1, "$db", "admin"), flags: 1u << 20));
        Assert.That((await Client.ReadAsync())!.Value.ResponseTo, Is.EqualTo(id));
    }

    [Test]
    public async Task MoreToCome_gets_no_reply_but_the_command_runs()
    {
        await Client.SendAsync(RawMongoClient.OpMsg(RawMongoClient.NextRequestId(), Doc("insert", "c", "documents", Arr(Doc("_id", 7)), "$db", "test"), flags: 2));
        var ping = await RunAsync(Doc("ping", 1), "admin");
        Assert.That(ping.Ok(), Is.EqualTo(1.0));
        Assert.That(Server.Store.Documents("test", "c").Single()["_id"], Is.EqualTo(new BsonInt32(7)));
    }

    [Test]
    public async Task A_message_over_maxMessageSizeBytes_closes_the_connection()
    {
        await using var small = MongoWireServer.Start(new MongoWireServerOptions { MaxMessageSizeBytes = 1000 });
        await using var client = await RawMongoClient.ConnectAsync(small);
        await client.SendAsync(RawMongoClient.OpMsg(1, Doc("ping", 1, "pad", new string('x', 2000), "$db", "admin")));
        Assert.That(await client.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task A_header_announcing_too_much_closes_the_connection()
    {
        var header = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(header, 100_000_000);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 2013);
        await Client.SendAsync(header);
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
    }

    [Test]
    public async Task Hello_works_over_TLS()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // SslStream on Linux needs the key in a PKCS#12-loaded certificate
        using var loaded = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        await using var tls = MongoWireServer.Start(new MongoWireServerOptions { TlsCertificate = loaded });
        await using var client = await RawMongoClient.ConnectAsync(tls);
        var reply = await client.RunAsync(Doc("hello", 1), "admin");
        Assert.That(reply["isWritablePrimary"], Is.EqualTo(BsonBoolean.True));
    }

    [Test]
    public async Task An_exhaust_hello_streams_replies_that_each_answer_the_previous_one()
    {
        var first = await RunAsync(Doc("hello", 1), "admin");
        int id = RawMongoClient.NextRequestId();
        var hello = Doc("hello", 1, "topologyVersion", first["topologyVersion"], "maxAwaitTimeMS", 50, "$db", "admin");
        await Client.SendAsync(RawMongoClient.OpMsg(id, hello, flags: 1u << 16));
        var one = (await Client.ReadAsync())!.Value;
        var two = (await Client.ReadAsync())!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(one.ResponseTo, Is.EqualTo(id));
            Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(one.Body) & 2, Is.EqualTo(2), "moreToCome");
            Assert.That(two.ResponseTo, Is.EqualTo(one.RequestId));
            Assert.That(RawMongoClient.ParseOpMsgBody(two.Body)["isWritablePrimary"], Is.EqualTo(BsonBoolean.True));
        });
    }

    [Test]
    public async Task Closing_the_server_closes_its_connections()
    {
        await Server.DisposeAsync();
        Assert.That(await Client.IsClosedByServerAsync(), Is.True);
        Assert.That(Server.Statistics.ConnectionsOpen, Is.Zero);
        Assert.That(Server.Statistics.ConnectionsOpened, Is.EqualTo(1));
    }
}
