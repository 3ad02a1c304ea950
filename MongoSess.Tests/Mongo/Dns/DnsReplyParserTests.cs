using MongoSessions.Mongo.Dns;
using MongoSessions.Tests.Support;

namespace MongoSessions.Tests.Mongo.Dns;

public sealed class DnsReplyParserTests
{
    private const ushort Id = 0x1234;
    private const ushort ReplyFlags = 0x8180;
    private const string Name = "_mongodb._tcp.cluster0.example.com";
    private const ushort Srv = DnsMessageBuilder.TypeSrv;

    [Test]
    public void A_well_formed_reply_gives_its_records()
    {
        var reply = Parse(ValidReply());

        Assert.That(reply.Records, Is.EqualTo(new[] { new SrvRecord(0, 0, 27017, "a.example.com"), new SrvRecord(0, 0, 27018, "b.example.com") }));
    }

    [Test]
    public void The_question_may_come_back_in_other_letter_case()
    {
        var message = Reply(1).Question(Name.ToUpperInvariant(), Srv).RecordAt(12, Srv, DnsMessageBuilder.SrvData(27017, "a.example.com")).ToArray();

        Assert.That(Parse(message).Records, Has.Count.EqualTo(1));
    }

    [Test]
    public void Records_of_another_owner_are_not_answers()
    {
        var message = Reply(2).Question(Name, Srv)
            .Record("_mongodb._tcp.other.example.com", Srv, DnsMessageBuilder.SrvData(1, "evil.example.net"))
            .RecordAt(12, Srv, DnsMessageBuilder.SrvData(27017, "a.example.com"))
            .ToArray();

        Assert.That(Parse(message).Records.Single().Target, Is.EqualTo("a.example.com"));
    }

    [Test]
    public void A_target_compressed_against_the_question_is_expanded()
    {
        // "cluster0.example.com" starts 14 bytes into the question name (after "_mongodb" and "_tcp")
        var data = new DnsMessageBuilder().UInt16(0).UInt16(0).UInt16(27017).Bytes(1, (byte)'a').Pointer(12 + 14).ToArray();
        var message = Reply(1).Question(Name, Srv).RecordAt(12, Srv, data).ToArray();

        Assert.That(Parse(message).Records.Single().Target, Is.EqualTo("a.cluster0.example.com"));
    }

    [Test]
    public void A_truncated_reply_is_flagged_without_reading_the_rest()
    {
        var message = new DnsMessageBuilder().Header(Id, ReplyFlags | 0x0200, 1, 3).Question(Name, Srv).ToArray();

        Assert.That(Parse(message).Truncated, Is.True);
    }

    [TestCase(2)]
    [TestCase(5)]
    public void An_error_code_is_reported_without_records(int rcode)
    {
        var message = new DnsMessageBuilder().Header(Id, (ushort)(ReplyFlags | rcode), 0, 0).ToArray();

        var reply = Parse(message);

        Assert.That(((int)reply.ResponseCode, reply.Records.Count), Is.EqualTo((rcode, 0)));
    }

    [Test]
    public void A_wrong_id_is_refused() =>
        AssertMalformed(new DnsMessageBuilder().Header(Id + 1, ReplyFlags, 1, 0).Question(Name, Srv).ToArray(), "does not match");

    [Test]
    public void A_query_is_not_a_reply() =>
        AssertMalformed(new DnsMessageBuilder().Header(Id, 0x0100, 1, 0).Question(Name, Srv).ToArray(), "QR bit");

    [Test]
    public void Another_opcode_is_refused() =>
        AssertMalformed(new DnsMessageBuilder().Header(Id, ReplyFlags | (2 << 11), 1, 0).Question(Name, Srv).ToArray(), "opcode 2");

    [Test]
    public void An_answer_to_another_question_is_refused() =>
        AssertMalformed(Reply(0).Question("_mongodb._tcp.other.example.com", Srv).ToArray(), "different question");

    [Test]
    public void An_answer_to_another_type_is_refused() =>
        AssertMalformed(Reply(0).Question(Name, DnsMessageBuilder.TypeTxt).ToArray(), "different question");

    [Test]
    public void A_message_shorter_than_a_header_is_refused() =>
        AssertMalformed([0x12, 0x34, 0x81], "ends at 3 bytes");

    [Test]
    public void A_pointer_to_itself_is_a_loop()
    {
        var builder = Reply(1).Question(Name, Srv);
        var message = builder.Pointer(builder.Length).RecordTail(Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray();

        AssertMalformed(message, "loop");
    }

    [Test]
    public void Two_pointers_that_point_at_each_other_are_a_loop()
    {
        // the owner name is label "x" then a pointer back to the label: x.x.x... forever
        var builder = Reply(1).Question(Name, Srv);
        var start = builder.Length;
        var message = builder.Bytes(1, (byte)'x').Pointer(start).RecordTail(Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray();

        AssertMalformed(message, "loop");
    }

    [Test]
    public void A_pointer_outside_the_message_is_refused()
    {
        var message = Reply(1).Question(Name, Srv).Pointer(0x3FFF).RecordTail(Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray();

        AssertMalformed(message, "outside the message");
    }

    [Test]
    public void A_reserved_label_type_is_refused()
    {
        var message = Reply(1).Question(Name, Srv).Bytes(0x41, (byte)'a', 0).RecordTail(Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray();

        AssertMalformed(message, "reserved label type");
    }

    [Test]
    public void A_name_over_255_octets_is_refused()
    {
        var longName = string.Join('.', Enumerable.Repeat(new string('a', 63), 5));
        var message = Reply(1).Question(Name, Srv).RecordAt(12, Srv, DnsMessageBuilder.SrvData(1, longName)).ToArray();

        AssertMalformed(message, "longer than 255");
    }

    [Test]
    public void A_dot_inside_a_label_is_refused()
    {
        var data = new DnsMessageBuilder().UInt16(0).UInt16(0).UInt16(1).Bytes(3, (byte)'a', (byte)'.', (byte)'b', 0).ToArray();

        AssertMalformed(Reply(1).Question(Name, Srv).RecordAt(12, Srv, data).ToArray(), "0x2E");
    }

    [Test]
    public void A_label_past_the_end_is_refused()
    {
        var message = Reply(1).Question(Name, Srv).Bytes(20, (byte)'a').ToArray();

        AssertMalformed(message, "past the end");
    }

    [Test]
    public void Fewer_answers_than_counted_are_refused() =>
        AssertMalformed(Reply(2).Question(Name, Srv).RecordAt(12, Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray(), "past the end of the message");

    [Test]
    public void Record_data_longer_than_the_message_is_refused() =>
        AssertMalformed(Reply(1).Question(Name, Srv).Pointer(12).UInt16(Srv).UInt16(1).UInt32(60).UInt16(50).Bytes(0, 0).ToArray(), "claims 50 data bytes");

    [Test]
    public void Srv_data_that_does_not_fill_its_length_is_refused()
    {
        var data = DnsMessageBuilder.SrvData(27017, "a.example.com").Concat(new byte[] { 0, 0 }).ToArray();

        AssertMalformed(Reply(1).Question(Name, Srv).RecordAt(12, Srv, data).ToArray(), "does not fill");
    }

    [Test]
    public void Srv_data_shorter_than_its_fields_is_refused()
    {
        var message = Reply(2).Question(Name, Srv).RecordAt(12, Srv, [0, 1]).RecordAt(12, Srv, DnsMessageBuilder.SrvData(1, "a.example.com")).ToArray();

        Assert.Throws<DnsAttemptException>(() => Parse(message));
    }

    [Test]
    public void A_txt_string_longer_than_its_record_is_refused()
    {
        var message = Reply(1).Question("cluster0.example.com", DnsMessageBuilder.TypeTxt)
            .RecordAt(12, DnsMessageBuilder.TypeTxt, [10, (byte)'a', (byte)'b'])
            .ToArray();

        var error = Assert.Throws<DnsAttemptException>(() =>
            DnsReplyParser.Parse(message, Id, "cluster0.example.com", DnsRecordType.Txt, DnsRecordData.ReadTxt));

        Assert.That(error.Message, Does.Contain("character-string"));
    }

    [Test]
    public void Random_damage_ends_in_a_parse_error_or_a_result_never_a_crash()
    {
        var valid = ValidReply();
        var random = new Random(20240924);
        var (parsed, refused) = (0, 0);
        for (var i = 0; i < 20_000; i++)
        {
            var message = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                // leave the id alone so the damage reaches the parser beyond the first check
                message[random.Next(2, message.Length)] = (byte)random.Next(256);
            }
            if (random.Next(4) == 0)
            {
                message = message[..random.Next(message.Length)];
            }
            try
            {
                Parse(message);
                parsed++;
            }
            catch (DnsAttemptException)
            {
                refused++;
            }
        }
        // any other exception (an index out of range, say) has failed the test already
        Assert.That((parsed > 0, refused > 0), Is.EqualTo((true, true)));
    }

    private static byte[] ValidReply() => Reply(2).Question(Name, Srv)
        .RecordAt(12, Srv, DnsMessageBuilder.SrvData(27017, "a.example.com"))
        .RecordAt(12, Srv, DnsMessageBuilder.SrvData(27018, "b.example.com"))
        .ToArray();

    private static DnsMessageBuilder Reply(int answers) => new DnsMessageBuilder().Header(Id, ReplyFlags, 1, answers);

    private static DnsReply<SrvRecord> Parse(byte[] message) =>
        DnsReplyParser.Parse(message, Id, Name, DnsRecordType.Srv, DnsRecordData.ReadSrv);

    private static void AssertMalformed(byte[] message, string reason)
    {
        var error = Assert.Throws<DnsAttemptException>(() => Parse(message));
        Assert.That(error.Message, Does.Contain(reason));
    }
}
