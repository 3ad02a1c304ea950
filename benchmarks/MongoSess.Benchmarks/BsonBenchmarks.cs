using BenchmarkDotNet.Attributes;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace MongoSessions.Benchmarks;

/// <summary>Encoding and decoding a typical ~1 KB session record with MongoDB.Bson, as the file store and encryption do.</summary>
[MemoryDiagnoser]
public class BsonBenchmarks
{
    private readonly BsonDocument _document = TypicalSession.Create();
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup()
    {
        _bytes = _document.ToBson();
        Console.WriteLine($"// typical session document: {_bytes.Length} bytes of BSON");
    }

    [Benchmark(Description = "BSON encode ~1 KB session to byte[] (MongoDB.Bson)")]
    public byte[] Encode() => _document.ToBson();

    [Benchmark(Description = "BSON decode ~1 KB session (MongoDB.Bson)")]
    public BsonDocument Decode() => BsonSerializer.Deserialize<BsonDocument>(_bytes);

    [Benchmark(Description = "session record from BSON (depth check + decode + map)")]
    public SessionRecord DecodeRecord() => SessionRecord.FromBson(_bytes);
}
