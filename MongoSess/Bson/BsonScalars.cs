namespace MongoSessions.Bson;

// the scalar BSON types; each is immutable, so DeepClone returns the value itself

internal sealed record BsonDouble(double Value) : BsonValue
{
    public override BsonType Type => BsonType.Double;

    // compare bit patterns so that NaN equals itself and -0.0 differs from 0.0, as the bytes do
    public bool Equals(BsonDouble? other) => other is not null && BitConverter.DoubleToInt64Bits(Value) == BitConverter.DoubleToInt64Bits(other.Value);

    public override int GetHashCode() => BitConverter.DoubleToInt64Bits(Value).GetHashCode();
}

internal sealed record BsonString(string Value) : BsonValue
{
    public override BsonType Type => BsonType.String;
}

internal sealed record BsonBoolean(bool Value) : BsonValue
{
    public static readonly BsonBoolean True = new(true);
    public static readonly BsonBoolean False = new(false);

    public override BsonType Type => BsonType.Boolean;

    public static BsonBoolean Of(bool value) => value ? True : False;
}

internal sealed record BsonInt32(int Value) : BsonValue
{
    public override BsonType Type => BsonType.Int32;
}

internal sealed record BsonInt64(long Value) : BsonValue
{
    public override BsonType Type => BsonType.Int64;
}

/// <summary>UTC milliseconds since the Unix epoch.</summary>
internal sealed record BsonDateTime(long MillisecondsSinceEpoch) : BsonValue
{
    public override BsonType Type => BsonType.DateTime;

    public static BsonDateTime FromDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        return new BsonDateTime(new DateTimeOffset(utc).ToUnixTimeMilliseconds());
    }

    public static BsonDateTime FromDateTimeOffset(DateTimeOffset value) => new(value.ToUnixTimeMilliseconds());

    /// <summary>The UTC date, or null when the value is outside DateTime's range.</summary>
    public DateTime? ToDateTime()
    {
        if (MillisecondsSinceEpoch < -62135596800000L || MillisecondsSinceEpoch > 253402300799999L)
        {
            return null;
        }
        return DateTimeOffset.FromUnixTimeMilliseconds(MillisecondsSinceEpoch).UtcDateTime;
    }
}

internal sealed record BsonTimestamp(ulong Value) : BsonValue
{
    public override BsonType Type => BsonType.Timestamp;
}

/// <summary>An IEEE 754-2008 decimal128 in BID encoding, held as its two 64-bit halves.</summary>
internal sealed record BsonDecimal128(ulong High, ulong Low) : BsonValue
{
    public override BsonType Type => BsonType.Decimal128;
}

internal sealed record BsonNull : BsonValue
{
    public static readonly BsonNull Value = new();

    private BsonNull() { }

    public override BsonType Type => BsonType.Null;
}

internal sealed record BsonUndefined : BsonValue
{
    public static readonly BsonUndefined Value = new();

    private BsonUndefined() { }

    public override BsonType Type => BsonType.Undefined;
}

internal sealed record BsonMinKey : BsonValue
{
    public static readonly BsonMinKey Value = new();

    private BsonMinKey() { }

    public override BsonType Type => BsonType.MinKey;
}

internal sealed record BsonMaxKey : BsonValue
{
    public static readonly BsonMaxKey Value = new();

    private BsonMaxKey() { }

    public override BsonType Type => BsonType.MaxKey;
}

internal sealed record BsonRegularExpression(string Pattern, string Options) : BsonValue
{
    public override BsonType Type => BsonType.RegularExpression;
}

internal sealed record BsonJavaScript(string Code) : BsonValue
{
    public override BsonType Type => BsonType.JavaScript;
}

internal sealed record BsonSymbol(string Value) : BsonValue
{
    public override BsonType Type => BsonType.Symbol;
}
