namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>A request the server cannot parse; the connection is closed without a reply, as mongod does.</summary>
internal sealed class WireProtocolException(string message) : Exception(message);
