namespace MongoSessions.Mongo.Auth;

/// <summary>Membership tests over the sorted inclusive range arrays of <see cref="StringprepTables"/>.</summary>
internal static class CodePointRanges
{
    public static bool Contains(int[] ranges, int codePoint)
    {
        // binary search over the pairs: find the last range whose first code point is <= codePoint
        int low = 0;
        int high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            if (codePoint < ranges[2 * mid])
            {
                high = mid - 1;
            }
            else if (codePoint > ranges[(2 * mid) + 1])
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }
}
