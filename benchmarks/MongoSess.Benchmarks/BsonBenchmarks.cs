using System.Buffers;
using BenchmarkDotNet.Attributes;
using MongoSessions.Bson;

namespace MongoSessions.Benchmarks;

/// <summary>Encoding and decoding a typical ~1 KB session record.</summary>
[MemoryDiagnoser]
public class BsonBenchmarks
{
    private readonly BsonDocument _document = TypicalSession.Create();
    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _bytes = BsonBinaryWriter.ToBytes(_document);
        Console.WriteLine($"// typical session document: {_bytes.Length} bytes of BSON");
    }

    [Benchmark(Description = "BSON encode ~1 KB session to byte[]")]
    public byte[] EncodeToArray() => BsonBinaryWriter.ToBytes(_document);

    [Benchmark(Description = "BSON encode ~1 KB session to IBufferWriter")]
    public int EncodeToBufferWriter()
    {
        _output.ResetWrittenCount();
        BsonBinaryWriter.Write(_output, _document);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "BSON decode ~1 KB session")]
    public object Decode() => BsonBinaryReader.ReadDocument(_bytes);

    [Benchmark(Description = "session record from BSON (decode + map)")]
    public SessionRecord DecodeRecord() => SessionRecord.FromBson(_bytes);
}
