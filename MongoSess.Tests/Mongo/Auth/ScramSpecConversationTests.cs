using MongoSessions.Bson;
using MongoSessions.Mongo.Auth;

namespace MongoSessions.Tests.Mongo.Auth;

/// <summary>
/// The auth spec's conversations "over MongoDB's SASL implementation", replayed against the driver: each command's
/// payload must be the spec's BinData, byte for byte, and the spec's replies must be accepted.
/// </summary>
[TestFixture]
public sealed class ScramSpecConversationTests
{
    private static readonly string[] Sha1Conversation =
    [
        "biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM",
        "cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0xIbytWZ2s3cXZVT0tVd3VXTElXZzRsLzlTcmFHTUhFRSxzPXJROVpZM01udEJldVAzRTFURFZDNHc9PSxpPTEwMDAw",
        "Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMSG8rVmdrN3F2VU9LVXd1V0xJV2c0bC85U3JhR01IRUUscD1NQzJUOEJ2Ym1XUmNrRHc4b1dsNUlWZ2h3Q1k9",
        "dj1VTVdlSTI1SkQxeU5ZWlJNcFo0Vkh2aFo5ZTA9",
    ];

    private static readonly string[] Sha256Conversation =
    [
        "biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=",
        "cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=",
        "Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==",
        "dj02cnJpVFJCaTIzV3BSUi93dHVwK21NaFVaVW4vZEI1bkxUSlJzamw5NUc0PQ==",
    ];

    [TestCase("SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL", false)]
    [TestCase("SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO", false)]
    [TestCase("SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL", true, Description = "the spec's Backwards Compatibility conversation")]
    [TestCase("SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO", true)]
    public async Task The_spec_conversation_replays_byte_for_byte(string mechanismName, string clientNonce, bool extraRoundTrip)
    {
        var mechanism = ScramMechanism.FromName(mechanismName)!;
        string[] conversation = mechanismName == "SCRAM-SHA-1" ? Sha1Conversation : Sha256Conversation;
        var commands = new List<BsonDocument>();

        Task<BsonDocument> SpecServer(BsonDocument command, CancellationToken cancellationToken)
        {
            commands.Add(command);
            byte[] payload = ((BsonBinary)command["payload"]!).Data;
            var (expected, reply, done) = commands.Count switch
            {
                1 => (conversation[0], conversation[1], false),
                2 => (conversation[2], conversation[3], !extraRoundTrip),
                _ => ("", "", true),
            };
            Assert.That(payload, Is.EqualTo(Convert.FromBase64String(expected)), $"payload of command {commands.Count}");
            return Task.FromResult(new BsonDocument()
                .Add("conversationId", new BsonInt32(1))
                .Add("payload", new BsonBinary(0, Convert.FromBase64String(reply)))
                .Add("done", BsonBoolean.Of(done))
                .Add("ok", new BsonInt32(1)));
        }

        await ScramAuthenticator.AuthenticateAsync(
            SpecServer, "user", "pencil", "admin", mechanism, new ScramKeyCache(4), () => clientNonce, CancellationToken.None);

        Assert.That(commands, Has.Count.EqualTo(extraRoundTrip ? 3 : 2));
        Assert.That(commands[0]["mechanism"], Is.EqualTo(new BsonString(mechanismName)));
        Assert.That(commands[0]["options"], Is.EqualTo(new BsonDocument().Add("skipEmptyExchange", BsonBoolean.True)));
        Assert.That(commands[1]["conversationId"], Is.EqualTo(new BsonInt32(1)));
    }
}
