namespace MongoSessions.Mongo.Auth;

/// <summary>The two keys RFC 5802 derives from the salted password: what the auth spec allows a cache to keep.</summary>
internal sealed record ScramKeys(byte[] ClientKey, byte[] ServerKey);
