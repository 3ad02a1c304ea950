using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace MongoSessions.Cookies;

/// <summary>The HMAC-SHA256 of a session id, held inline (no array) by the request that verified it.</summary>
[InlineArray(HMACSHA256.HashSizeInBytes)]
internal struct CookieMac
{
    private byte _first;
}
