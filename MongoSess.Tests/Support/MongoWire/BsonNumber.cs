using MongoDB.Bson;

namespace MongoSessions.Tests.Support.MongoWire;

/// <summary>MongoDB's numeric comparison and arithmetic across int32, int64, double and decimal128.</summary>
internal static class BsonNumber
{
    public static bool IsNumber(BsonValue value) => value is BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128;

    /// <summary>Compares two numbers by value; NaN equals NaN and sorts below every other number, as in MongoDB.</summary>
    public static int Compare(BsonValue a, BsonValue b)
    {
        if (TryLong(a, out long la) && TryLong(b, out long lb))
        {
            return la.CompareTo(lb);
        }
        if ((a is BsonDecimal128 || b is BsonDecimal128) && TryDecimal(a, out var da) && TryDecimal(b, out var db))
        {
            return da.CompareTo(db);
        }
        double x = ToDouble(a), y = ToDouble(b);
        if (double.IsNaN(x) || double.IsNaN(y))
        {
            return double.IsNaN(x).CompareTo(double.IsNaN(y)) * -1;
        }
        int byDouble = x.CompareTo(y);
        // a long above 2^53 can round to the same double as a different integer: settle exactly
        if (byDouble == 0 && Math.Abs(x) < 9.2e18)
        {
            if (TryLong(a, out la))
            {
                return la.CompareTo((long)y);
            }
            if (TryLong(b, out lb))
            {
                return ((long)x).CompareTo(lb);
            }
        }
        return byDouble;
    }

    public static double ToDouble(BsonValue value) => value switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        BsonDouble d => d.Value,
        BsonDecimal128 m => TryDecimal(m, out var d) ? (double)d : double.NaN,
        _ => throw new ArgumentException("not a number", nameof(value)),
    };

    /// <summary>$inc and $mul's type rules: int32 stays int32 unless it overflows to int64; double or decimal wins.</summary>
    /// <returns>The sum, or null when an int64 sum overflows (mongod refuses that update).</returns>
    public static BsonValue? Add(BsonValue a, BsonValue b)
    {
        if (a is BsonDecimal128 || b is BsonDecimal128)
        {
            return TryDecimal(a, out var x) && TryDecimal(b, out var y) ? new BsonDecimal128(new Decimal128(x + y)) : null;
        }
        if (a is BsonDouble || b is BsonDouble)
        {
            return new BsonDouble(ToDouble(a) + ToDouble(b));
        }
        long sum;
        try
        {
            sum = checked(AsLong(a) + AsLong(b));
        }
        catch (OverflowException)
        {
            return null;
        }
        if (a is BsonInt32 && b is BsonInt32 && sum is >= int.MinValue and <= int.MaxValue)
        {
            return new BsonInt32((int)sum);
        }
        return new BsonInt64(sum);
    }

    private static long AsLong(BsonValue value) => value switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        _ => throw new ArgumentException("not an integer", nameof(value)),
    };

    private static bool TryLong(BsonValue value, out long result)
    {
        switch (value)
        {
            case BsonInt32 i:
                result = i.Value;
                return true;
            case BsonInt64 l:
                result = l.Value;
                return true;
            default:
                result = 0;
                return false;
        }
    }

    private static bool TryDecimal(BsonValue value, out decimal result)
    {
        try
        {
            result = value switch
            {
                BsonInt32 i => i.Value,
                BsonInt64 l => l.Value,
                BsonDouble d => (decimal)d.Value,
                BsonDecimal128 m => Decimal128.ToDecimal(m.Value),
                _ => 0m,
            };
            return true;
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException)
        {
            result = 0;
            return false;
        }
    }
}
