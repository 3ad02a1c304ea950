namespace MongoSessions;

/// <summary>
/// A store that honours <see cref="SessionUpdate.ExpectedVersion"/> (compare-and-swap on
/// <see cref="SessionRecord.Version"/>), which encryption at rest needs; the built-in stores do.
/// </summary>
internal interface IVersionedSessionStore : ISessionStore;
