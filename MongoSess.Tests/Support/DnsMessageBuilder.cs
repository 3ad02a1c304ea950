using System.Text;

namespace MongoSessions.Tests.Support;

/// <summary>Writes DNS messages byte by byte (RFC 1035 section 4.1), so tests can also write wrong ones.</summary>
internal sealed class DnsMessageBuilder
{
    public const ushort TypeCname = 5;
    public const ushort TypeTxt = 16;
    public const ushort TypeSrv = 33;

    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public DnsMessageBuilder Header(ushort id, ushort flags, int questions, int answers)
    {
        UInt16(id).UInt16(flags).UInt16(questions).UInt16(answers).UInt16(0).UInt16(0);
        return this;
    }

    public DnsMessageBuilder Question(string name, ushort type) => Name(name).UInt16(type).UInt16(1);

    /// <summary>An answer record with an uncompressed owner name.</summary>
    public DnsMessageBuilder Record(string owner, ushort type, byte[] data) => Name(owner).RecordTail(type, data);

    /// <summary>An answer record whose owner is a compression pointer (12 is the question's name).</summary>
    public DnsMessageBuilder RecordAt(int ownerOffset, ushort type, byte[] data) => Pointer(ownerOffset).RecordTail(type, data);

    public DnsMessageBuilder RecordTail(ushort type, byte[] data) => UInt16(type).UInt16(1).UInt32(60).UInt16(data.Length).Bytes(data);

    public DnsMessageBuilder Name(string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            _bytes.Add((byte)label.Length);
            _bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        _bytes.Add(0);
        return this;
    }

    public DnsMessageBuilder Pointer(int offset) => Bytes((byte)(0xC0 | (offset >> 8)), (byte)offset);

    public DnsMessageBuilder UInt16(int value) => Bytes((byte)(value >> 8), (byte)value);

    public DnsMessageBuilder UInt32(uint value) => UInt16((int)(value >> 16)).UInt16((int)(value & 0xFFFF));

    public DnsMessageBuilder Bytes(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    public static byte[] SrvData(int port, string target, int priority = 0, int weight = 0) =>
        new DnsMessageBuilder().UInt16(priority).UInt16(weight).UInt16(port).Name(target).ToArray();

    public static byte[] TxtData(params string[] strings)
    {
        var builder = new DnsMessageBuilder();
        foreach (var s in strings)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            builder.Bytes((byte)bytes.Length).Bytes(bytes);
        }
        return builder.ToArray();
    }

    public static byte[] NameData(string name) => new DnsMessageBuilder().Name(name).ToArray();
}
