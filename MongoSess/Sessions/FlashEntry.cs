using System.Globalization;
using MongoDB.Bson;
using MongoSessions.Cookies;
using MongoSessions.Values;

namespace MongoSessions.Sessions;

/// <summary>
/// One flash value as the store keeps it: <c>flash.&lt;key&gt;.&lt;entry name&gt; = { v: value, t: time }</c>. Every
/// flash gets an entry of its own, under a name that sorts after every earlier one, so writes never overwrite each
/// other and the latest one wins when several wait under one key.
/// </summary>
internal readonly record struct FlashEntry(BsonValue Value, BsonDateTime Time)
{
    private static long s_lastEntryTicks;

    /// <summary>The operation that stores a new entry for <paramref name="key"/>.</summary>
    public SessionOperation ToOperation(string key) => SessionOperation.FlashSet(key + "." + NewEntryName(), ToDocument());

    public BsonDocument ToDocument() => new BsonDocument().Add("v", Value).Add("t", Time);

    /// <summary>Reads an entry the store returned; null for anything that is not one.</summary>
    public static FlashEntry? From(BsonValue value) =>
        value is BsonDocument document && document.GetValue("v", null) is { } v
            ? new FlashEntry(v, document.GetValue("t", null) as BsonDateTime ?? new BsonDateTime(0))
            : null;

    /// <summary>A new entry written now.</summary>
    public static FlashEntry Now(BsonValue value, DateTimeOffset now) => new(value, BsonConversions.FromDateTimeOffset(now));

    /// <summary>
    /// The entry to show among several under one key: the latest flash wins, as in Laravel; entries of one millisecond
    /// are told apart by their names, which grow with time.
    /// </summary>
    public static FlashEntry? Latest(BsonDocument entries)
    {
        FlashEntry? latest = null;
        string latestName = "";
        foreach (var element in entries)
        {
            if (From(element.Value) is not { } candidate)
            {
                continue;
            }
            if (latest is not { } current
                || candidate.Time.MillisecondsSinceEpoch > current.Time.MillisecondsSinceEpoch
                || (candidate.Time.MillisecondsSinceEpoch == current.Time.MillisecondsSinceEpoch && string.CompareOrdinal(element.Name, latestName) > 0))
            {
                (latest, latestName) = (candidate, element.Name);
            }
        }
        return latest;
    }

    /// <summary>True when the flash part of a record holds an entry not yet taken (taking leaves empty documents behind).</summary>
    public static bool AnyWaiting(SessionData flash)
    {
        foreach (var key in flash.Document)
        {
            if (key.Value is BsonDocument { ElementCount: > 0 })
            {
                return true;
            }
        }
        return false;
    }

    // a name that sorts after every earlier one of this process (UTC ticks, strictly increasing), with a random tail
    // so that two processes never pick the same one
    private static string NewEntryName()
    {
        long ticks = DateTime.UtcNow.Ticks;
        long last;
        do
        {
            last = Volatile.Read(ref s_lastEntryTicks);
            if (ticks <= last)
            {
                ticks = last + 1;
            }
        }
        while (Interlocked.CompareExchange(ref s_lastEntryTicks, ticks, last) != last);
        return ticks.ToString("x16", CultureInfo.InvariantCulture) + SessionToken.New()[..8];
    }
}
