namespace MongoSessions.Bson;

/// <summary>A named value inside a document.</summary>
internal readonly record struct BsonElement(string Name, BsonValue Value);
