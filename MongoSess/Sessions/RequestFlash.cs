using MongoDB.Bson;

namespace MongoSessions.Sessions;

/// <summary>
/// The flash values of one request: the entries its load took from the store in one atomic pull, and which of them it
/// has shown. Entries taken and not shown go back to the store when the request keeps them or regenerates the session.
/// </summary>
internal sealed class RequestFlash
{
    private Dictionary<string, FlashEntry>? _taken;
    private HashSet<string>? _shown;

    /// <summary>The pulls that take every entry a loaded record holds: one operation per entry, none for empty keys.</summary>
    public static List<SessionOperation> PullsFor(SessionRecord record)
    {
        var pulls = new List<SessionOperation>();
        foreach (var key in record.Flash.Document)
        {
            if (key.Value is BsonDocument entries)
            {
                foreach (var entry in entries)
                {
                    pulls.Add(SessionOperation.FlashPull(key.Name + "." + entry.Name));
                }
            }
        }
        return pulls;
    }

    /// <summary>
    /// Records what the pull returned: only those entries are this request's (an entry another request took first is
    /// not shown twice; one written after the pull stays for the next request).
    /// </summary>
    public void Took(SessionData pulled)
    {
        _taken = [];
        foreach (var key in pulled.Document)
        {
            if (key.Value is BsonDocument entries && FlashEntry.Latest(entries) is { } latest)
            {
                _taken[key.Name] = latest;
            }
        }
    }

    /// <summary>The value taken for <paramref name="key"/>, now counted as shown; null when there is none.</summary>
    public BsonValue? Show(string key)
    {
        if (_taken is null || !_taken.TryGetValue(key, out var entry))
        {
            return null;
        }
        (_shown ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        return entry.Value;
    }

    /// <summary>
    /// Operations that put taken entries back for one more request, under fresh names and with their first times:
    /// those named in <paramref name="keys"/> (all when null), or, with <paramref name="unshownOnly"/>, those not shown.
    /// </summary>
    public List<SessionOperation> Restore(IEnumerable<string>? keys, bool unshownOnly)
    {
        var operations = new List<SessionOperation>();
        if (_taken is null)
        {
            return operations;
        }
        foreach (var (key, entry) in _taken)
        {
            bool wanted = unshownOnly ? _shown is null || !_shown.Contains(key) : keys is null || keys.Contains(key);
            if (wanted)
            {
                operations.Add(new FlashEntry(entry.Value.DeepClone(), entry.Time).ToOperation(key));
            }
        }
        return operations;
    }
}
