namespace MongoSessions.Cookies;

/// <summary>
/// The token a request presented (in a cookie or a header), read and verified once, on first use: what both
/// transports share. A subclass says how to read it; the first property read triggers it.
/// </summary>
internal abstract class PresentedToken
{
    private bool _read;
    private string? _verifiedToken;
    private bool _signedWithOldKey;
    private bool _presented;

    /// <summary>The verified token, or null: none presented, none verified, or two different ones verified.</summary>
    public string? VerifiedToken
    {
        get
        {
            EnsureRead();
            return _verifiedToken;
        }
    }

    /// <summary>True when the verified token was signed by an older key and should be handed out again.</summary>
    public bool SignedWithOldKey
    {
        get
        {
            EnsureRead();
            return _signedWithOldKey;
        }
    }

    /// <summary>True when the request presented a token at all, valid or not.</summary>
    protected bool Presented
    {
        get
        {
            EnsureRead();
            return _presented;
        }
    }

    /// <summary>Called after the token was handed out again under the current key.</summary>
    protected void Resigned() => _signedWithOldKey = false;

    /// <summary>Reads and verifies what the request presented: the verified token (or null), how it was signed, and whether anything was presented.</summary>
    protected abstract (string? Token, bool SignedWithOldKey, bool Presented) Read();

    private void EnsureRead()
    {
        if (!_read)
        {
            _read = true;
            (_verifiedToken, _signedWithOldKey, _presented) = Read();
        }
    }
}
