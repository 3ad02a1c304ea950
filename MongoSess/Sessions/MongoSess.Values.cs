using System.Collections.ObjectModel;
using MongoDB.Bson;
using MongoSessions.Sessions;
using MongoSessions.Values;

namespace MongoSessions;

// the values: read, write, remove, count
public sealed partial class MongoSess
{
    private static readonly IReadOnlyDictionary<string, object?> s_empty = ReadOnlyDictionary<string, object?>.Empty;

    /// <summary>Sets one value; creates the session when there is none.</summary>
    /// <param name="key">A key, or a dotted path into nested values such as <c>user.name</c>.</param>
    /// <param name="value">null, bool, string, a number, DateTime, DateTimeOffset, Guid, byte[], a list, a string-keyed dictionary or any object System.Text.Json can serialize.</param>
    /// <param name="cancellationToken">Cancels the wait for the store.</param>
    /// <exception cref="ArgumentException">The key is invalid, or the value cannot be stored.</exception>
    /// <exception cref="InvalidOperationException">The session would be created but the response headers were already sent, or the path runs through a value that is not a document.</exception>
    public Task SetAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        return _session.WriteAsync([SessionOperation.Set(key, ClrToBsonMapper.Map(value, key))], create: true, cancellationToken);
    }

    /// <summary>Sets several values in one atomic store operation; creates the session when there is none.</summary>
    /// <exception cref="ArgumentException">A key is invalid, two keys overlap (<c>a</c> and <c>a.b</c>), or a value cannot be stored.</exception>
    public Task SetAsync(IEnumerable<KeyValuePair<string, object?>> values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var keys = new List<string>();
        var operations = new List<SessionOperation>();
        foreach (var (key, value) in values)
        {
            SessionKey.Validate(key, nameof(values));
            keys.Add(key);
            operations.Add(SessionOperation.Set(key, ClrToBsonMapper.Map(value, key)));
        }
        SessionKey.EnsureDisjoint(keys, nameof(values));
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: true, cancellationToken);
    }

    /// <summary>Sets each property of an object as a key, in one atomic store operation: <c>SetAsync(new { user = "ann", admin = false })</c>.</summary>
    /// <remarks>An object without properties, or an empty dictionary, writes nothing.</remarks>
    /// <exception cref="ArgumentException">The value is not an object with properties (a string or a number, say), a property name is not a valid key, or a value cannot be stored.</exception>
    public Task SetAsync(object values, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            return SetAsync(pairs, cancellationToken);
        }
        if (ClrToBsonMapper.Map(values, nameof(values)) is not BsonDocument document)
        {
            throw new ArgumentException(
                $"SetAsync(object) takes an object whose properties are the keys, such as new {{ views = 1 }}; a {values.GetType().Name} has none. Use SetAsync(key, value) for one value.",
                nameof(values));
        }
        var operations = new List<SessionOperation>(document.ElementCount);
        foreach (var element in document)
        {
            SessionKey.Validate(element.Name, nameof(values));
            operations.Add(SessionOperation.Set(element.Name, element.Value));
        }
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: true, cancellationToken);
    }

    /// <summary>Reads one value, converted to <typeparamref name="T"/>; default when the key or the session is absent.</summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>.</exception>
    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return BsonToClrMapper.ConvertTo<T>(record?.Data.Find(key), key);
    }

    /// <summary>
    /// Reads one value, or <paramref name="defaultValue"/> when the key does not exist. A key that exists with a null,
    /// false or zero value returns that value, not the default.
    /// </summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/>.</exception>
    public async Task<T> GetAsync<T>(string key, T defaultValue, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.Find(key) is { } value ? BsonToClrMapper.ConvertTo<T>(value, key)! : defaultValue;
    }

    /// <summary>
    /// Reads the whole session as plain values: int, long, double, decimal, string, bool, DateTime (UTC), Guid,
    /// byte[], List&lt;object?&gt; and Dictionary&lt;string, object?&gt;. Empty when there is no session.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, object?>> GetAsync(CancellationToken cancellationToken = default)
    {
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.ToDictionary() ?? s_empty;
    }

    /// <summary>
    /// True when the request has a live session (loaded once, as the first read does): the one its cookie or bearer
    /// token names, or one this request created.
    /// </summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        await _session.LoadAsync(cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>True when the key exists, whatever its value (null, false and 0 included).</summary>
    public async Task<bool> HasAsync(string key, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var record = await _session.LoadAsync(cancellationToken).ConfigureAwait(false);
        return record?.Data.Contains(key) == true;
    }

    /// <summary>
    /// Reads a value and removes it in one atomic store operation, so two requests never both get it; default when
    /// the key does not exist.
    /// </summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/> (it is removed all the same).</exception>
    public Task<T?> PullAsync<T>(string key, CancellationToken cancellationToken = default) => PullAsync<T?>(key, default, cancellationToken);

    /// <summary>
    /// Reads a value and removes it in one atomic store operation, so two requests never both get it; returns
    /// <paramref name="defaultValue"/> when the key does not exist (a stored null, false or 0 is returned as such).
    /// </summary>
    /// <exception cref="InvalidCastException">The stored value cannot be read as <typeparamref name="T"/> (it is removed all the same).</exception>
    public async Task<T> PullAsync<T>(string key, T defaultValue, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var result = await _session.WriteAsync([SessionOperation.Pull(key)], create: false, cancellationToken).ConfigureAwait(false);
        return result?.Values.Find(key) is { } value ? BsonToClrMapper.ConvertTo<T>(value, key)! : defaultValue;
    }

    /// <summary>Appends a value to the array at <paramref name="key"/>, creating the array (and the session) when missing.</summary>
    /// <exception cref="InvalidOperationException">The key holds something other than an array; nothing changes.</exception>
    public Task PushAsync(string key, object? value, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        return _session.WriteAsync([SessionOperation.Push(key, ClrToBsonMapper.Map(value, key))], create: true, cancellationToken);
    }

    /// <summary>Removes every value but keeps the session (its key, cookie and expiry). Never creates a session.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        _session.WriteAsync([SessionOperation.Clear()], create: false, cancellationToken);

    /// <summary>Removes a key. Never creates a session.</summary>
    public Task DelAsync(string key, CancellationToken cancellationToken = default) => DelAsync([key], cancellationToken);

    /// <summary>Removes keys in one atomic store operation: <c>DelAsync(["theme", "admin"])</c>. Never creates a session.</summary>
    public Task DelAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var operations = new List<SessionOperation>();
        foreach (var key in keys)
        {
            SessionKey.Validate(key, nameof(keys));
            operations.Add(SessionOperation.Unset(key));
        }
        return operations.Count == 0 ? Task.CompletedTask : _session.WriteAsync(operations, create: false, cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="by"/> to an integer value atomically in the store (a missing key counts as 0) and returns
    /// the new value; concurrent increments are never lost. Creates the session when there is none.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key holds something other than a number, or the sum overflows.</exception>
    public async Task<long> IncrementAsync(string key, long by = 1, CancellationToken cancellationToken = default)
    {
        SessionKey.Validate(key);
        var result = await _session.WriteAsync([SessionOperation.Increment(key, by)], create: true, cancellationToken).ConfigureAwait(false);
        return result!.Values.Find(key) switch
        {
            BsonInt64 l => l.Value,
            BsonInt32 i => i.Value,
            BsonDouble d when d.Value == Math.Floor(d.Value) && Math.Abs(d.Value) < 9e18 => (long)d.Value,
            var other => throw new InvalidOperationException($"Session key '{key}' holds a {other?.BsonType.ToString() ?? "missing value"} after the increment, not an integer."),
        };
    }
}
