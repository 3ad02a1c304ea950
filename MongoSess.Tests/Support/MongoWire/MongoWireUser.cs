namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>A user the test server requires; when any user exists, every command but the handshake and auth needs a login.</summary>
/// <param name="Mechanisms">"SCRAM-SHA-1" and/or "SCRAM-SHA-256"; by default both, as mongod creates users.</param>
internal sealed record MongoWireUser(string Username, string Password, string Database = "admin", params string[] Mechanisms)
{
    public const string ScramSha1 = "SCRAM-SHA-1";
    public const string ScramSha256 = "SCRAM-SHA-256";

    public IReadOnlyList<string> EffectiveMechanisms => Mechanisms.Length > 0 ? Mechanisms : [ScramSha1, ScramSha256];
}
