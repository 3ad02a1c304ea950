using System.Buffers;
using System.Text;

namespace MongoSessions.Mongo.Auth;

/// <summary>The SASLprep profile of stringprep (RFC 4013) for stored strings, as SCRAM-SHA-256 passwords require.</summary>
internal static class SaslPrep
{
    /// <summary>Maps, normalizes (NFKC) and checks <paramref name="value"/>; throws <see cref="SaslPrepException"/> if it is refused.</summary>
    public static string Prepare(string value)
    {
        var mapped = new StringBuilder(value.Length);
        foreach (var rune in Runes(value))
        {
            // RFC 3454 section 7: stored strings must not contain unassigned code points; checking the input
            // also keeps NFKC below on characters whose normalization Unicode keeps stable since 3.2
            if (CodePointRanges.Contains(StringprepTables.UnassignedA1, rune.Value))
            {
                throw new SaslPrepException("The string contains a code point unassigned in Unicode 3.2 (RFC 4013 section 2.5).");
            }
            // B.1 first: U+200B is in both B.1 and C.1.2, and a zero-width space should vanish, not become a space
            if (CodePointRanges.Contains(StringprepTables.MappedToNothingB1, rune.Value))
            {
                continue;
            }
            mapped.Append(CodePointRanges.Contains(StringprepTables.NonAsciiSpaceC12, rune.Value) ? " " : rune.ToString());
        }

        string normalized = mapped.ToString().Normalize(NormalizationForm.FormKC);
        CheckProhibitedAndBidi(normalized);
        return normalized;
    }

    private static void CheckProhibitedAndBidi(string normalized)
    {
        bool hasRandAL = false;
        bool hasL = false;
        bool firstIsRandAL = false;
        bool lastIsRandAL = false;
        bool first = true;
        foreach (var rune in Runes(normalized))
        {
            if (CodePointRanges.Contains(StringprepTables.ProhibitedC, rune.Value))
            {
                throw new SaslPrepException("The string contains a character SASLprep prohibits (RFC 4013 section 2.3).");
            }
            bool isRandAL = CodePointRanges.Contains(StringprepTables.RandALCatD1, rune.Value);
            hasRandAL |= isRandAL;
            hasL |= CodePointRanges.Contains(StringprepTables.LCatD2, rune.Value);
            if (first)
            {
                firstIsRandAL = isRandAL;
                first = false;
            }
            lastIsRandAL = isRandAL;
        }

        // RFC 3454 section 6: right-to-left text may not mix with left-to-right text and must start and end right-to-left
        if (hasRandAL && (hasL || !firstIsRandAL || !lastIsRandAL))
        {
            throw new SaslPrepException("The string fails the bidirectional check of RFC 3454 section 6.");
        }
    }

    private static IEnumerable<Rune> Runes(string value)
    {
        int index = 0;
        while (index < value.Length)
        {
            // a lone surrogate is a C.5 prohibited character, not something to replace with U+FFFD
            if (Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out int consumed) != OperationStatus.Done)
            {
                throw new SaslPrepException("The string contains an unpaired surrogate, which SASLprep prohibits (RFC 3454 table C.5).");
            }
            yield return rune;
            index += consumed;
        }
    }
}
