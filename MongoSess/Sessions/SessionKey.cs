namespace MongoSessions.Sessions;

/// <summary>Validates session keys: dotted paths into the session data, as MongoDB field paths.</summary>
internal static class SessionKey
{
    public static void Validate(string? key, string parameterName = "key")
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A session key cannot be null or empty.", parameterName);
        }
        if (key.Contains('\0'))
        {
            throw new ArgumentException("A session key cannot contain a NUL character.", parameterName);
        }
        if (!Values.Utf16Text.IsWellFormed(key))
        {
            throw new ArgumentException("A session key cannot contain a lone UTF-16 surrogate (half of a character).", parameterName);
        }
        if (key == "_id" || key.StartsWith("_id.", StringComparison.Ordinal))
        {
            throw new ArgumentException("The session key '_id' is reserved.", parameterName);
        }
        int start = 0;
        while (true)
        {
            int dot = key.IndexOf('.', start);
            int end = dot < 0 ? key.Length : dot;
            if (end == start)
            {
                throw new ArgumentException($"The session key '{key}' has an empty part; '.' separates nested names, as in 'user.name'.", parameterName);
            }
            if (key[start] == '$')
            {
                throw new ArgumentException($"The session key '{key}' has a part starting with '$', which MongoDB reserves for operators.", parameterName);
            }
            if (dot < 0)
            {
                return;
            }
            start = dot + 1;
        }
    }

    /// <summary>Rejects two keys in one write where one is the other or contains it ("a" and "a.b"), as MongoDB does.</summary>
    public static void EnsureDisjoint(IReadOnlyList<string> keys, string parameterName)
    {
        for (int i = 0; i < keys.Count; i++)
        {
            for (int j = i + 1; j < keys.Count; j++)
            {
                if (Overlaps(keys[i], keys[j]))
                {
                    throw new ArgumentException($"The session keys '{keys[i]}' and '{keys[j]}' overlap; write them in separate calls or as one nested value.", parameterName);
                }
            }
        }
    }

    private static bool Overlaps(string a, string b)
    {
        if (a.Length > b.Length)
        {
            (a, b) = (b, a);
        }
        return b.StartsWith(a, StringComparison.Ordinal) && (b.Length == a.Length || b[a.Length] == '.');
    }
}
