namespace MongoSessions.Cookies;

/// <summary>
/// Enumerates the values of one cookie in a <c>Cookie</c> request header (RFC 6265 section 5.4) without
/// allocating for cookies of other names. Lenient in what it skips, strict in what it yields.
/// </summary>
internal ref struct CookieHeaderParser
{
    private readonly ReadOnlySpan<char> _name;
    private ReadOnlySpan<char> _rest;

    public CookieHeaderParser(ReadOnlySpan<char> header, ReadOnlySpan<char> name)
    {
        _rest = header;
        _name = name;
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public readonly CookieHeaderParser GetEnumerator() => this;

    public bool MoveNext()
    {
        while (!_rest.IsEmpty)
        {
            // RFC 6265 §4.2.1: cookie-pairs are separated by "; " only; a comma is part of a value. Ending pairs at ','
            // too would read "x=a,sess=<value>", a cookie of another name that any sibling subdomain can set, as ours
            int end = _rest.IndexOf(';');
            var pair = end < 0 ? _rest : _rest[..end];
            _rest = end < 0 ? ReadOnlySpan<char>.Empty : _rest[(end + 1)..];

            int equals = pair.IndexOf('=');
            if (equals <= 0 || !Trim(pair[..equals]).SequenceEqual(_name))
            {
                continue;
            }
            var value = Trim(pair[(equals + 1)..]);
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }
            Current = value;
            return true;
        }
        return false;
    }

    private static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text) => text.Trim(" \t");
}
