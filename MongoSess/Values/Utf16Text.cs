namespace MongoSessions.Values;

/// <summary>
/// Checks that a .NET string is well-formed UTF-16, which BSON needs: it stores UTF-8, and a lone surrogate (half of a
/// character, as left by cutting a string between the two halves of an emoji) has no UTF-8 form.
/// </summary>
internal static class Utf16Text
{
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        // almost all text has no surrogates at all: one vectorized scan decides
        int at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (at >= 0)
        {
            text = text[at..];
            if (text.Length < 2 || !char.IsHighSurrogate(text[0]) || !char.IsLowSurrogate(text[1]))
            {
                return false;
            }
            text = text[2..];
            at = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        }
        return true;
    }
}
