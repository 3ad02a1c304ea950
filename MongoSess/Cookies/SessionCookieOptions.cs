namespace MongoSessions;

/// <summary>
/// How the session cookie is named, signed and scoped. Every default follows OWASP's session management advice:
/// <c>HttpOnly</c>, <c>SameSite=Lax</c>, <c>Secure</c> on HTTPS, <c>Path=/</c>, and a lifetime equal to the session's.
/// </summary>
public sealed class SessionCookieOptions
{
    /// <summary>The cookie name. Default <c>sess</c>, as in the original MongoSess.</summary>
    public string Name { get; set; } = "sess";

    /// <summary>
    /// The secrets that sign the cookie. When null, a per-request override inherits the keys given at connect;
    /// at connect, a random key is generated and a warning logged (sessions then do not survive a restart).
    /// </summary>
    public Keyring? Keys { get; set; }

    /// <summary>
    /// The cookie lifetime (<c>Max-Age</c> and <c>Expires</c>). Null (the default) uses <see cref="MongoSessOptions.Expires"/>,
    /// so the browser and the store forget the session together; <see cref="TimeSpan.Zero"/> gives a browser-session
    /// cookie, deleted when the browser closes.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>The <c>Path</c> attribute. Default <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>The <c>Domain</c> attribute; null (the default) keeps the cookie to the exact host.</summary>
    public string? Domain { get; set; }

    /// <summary>Whether scripts are kept from reading the cookie (<c>HttpOnly</c>). Default true.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>The <c>SameSite</c> attribute. Default <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    /// <summary>
    /// When the cookie carries <c>Secure</c>. Default <see cref="CookieSecurePolicy.Auto"/>: on HTTPS requests, and on
    /// requests a trusted proxy marks <c>X-Forwarded-Proto: https</c> (see <see cref="TrustProxy"/>).
    /// </summary>
    public CookieSecurePolicy Secure { get; set; } = CookieSecurePolicy.Auto;

    /// <summary>
    /// Whether the cookie is named <c>__Host-</c> + <see cref="Name"/> (<c>__Host-sess</c>) on secure requests, when
    /// <see cref="Path"/> is <c>/</c> and <see cref="Domain"/> is null. Browsers accept such a cookie only from the exact
    /// host, over HTTPS: no other site of the domain (a sibling subdomain) can set or overwrite it to choose the
    /// session a browser uses ("cookie tossing"). Default true. On plain HTTP the cookie keeps its plain name, so a
    /// session started over HTTP is not carried over to HTTPS. Ignored when <see cref="Name"/> has a prefix already.
    /// </summary>
    public bool HostPrefix { get; set; } = true;

    /// <summary>
    /// Whether to believe <c>X-Forwarded-Proto</c> when deciding <see cref="CookieSecurePolicy.Auto"/>. Turn it on only
    /// behind a proxy that sets (and overwrites) that header: otherwise any client could claim HTTPS. Default false.
    /// </summary>
    public bool TrustProxy { get; set; }

    internal SessionCookieOptions Validated(Keyring? fallbackKeys)
    {
        var keys = Keys ?? fallbackKeys ?? throw new ArgumentException("SessionCookieOptions.Keys is required; create a Keyring from a secret made with Keyring.GenerateSecret().");
        CheckAttributes();
        return new SessionCookieOptions
        {
            Name = Name,
            Keys = keys,
            MaxAge = MaxAge,
            Path = Path,
            Domain = Domain,
            HttpOnly = HttpOnly,
            SameSite = SameSite,
            Secure = Secure,
            TrustProxy = TrustProxy,
            HostPrefix = HostPrefix,
            _securedName = HostPrefix && Path == "/" && Domain is null && !HasPrefix(Name) ? "__Host-" + Name : Name,
        };
    }

    private string? _securedName;

    /// <summary>The name the cookie has on a request that is secure or not (see <see cref="HostPrefix"/>); for validated options.</summary>
    internal string NameFor(bool secure) => secure ? _securedName ?? Name : Name;

    // browsers match the prefixes without regard to case (RFC 6265bis §4.1.3), so a "__HOST-" name gets the same rules
    private static bool HasPrefix(string name) =>
        name.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("__Secure-", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for the <c>__Host-</c> and <c>__Secure-</c> name prefixes, which browsers only accept with <c>Secure</c>.</summary>
    internal bool RequiresSecure => HasPrefix(Name);

    /// <summary>Checks every attribute; the keys are checked where they are resolved.</summary>
    internal void CheckAttributes()
    {
        if (string.IsNullOrEmpty(Name) || !IsToken(Name))
        {
            throw new ArgumentException("SessionCookieOptions.Name must be a non-empty cookie name (letters, digits and !#$%&'*+-.^_`|~ only).");
        }
        if (string.IsNullOrEmpty(Path) || Path[0] != '/' || !IsAttributeValue(Path))
        {
            throw new ArgumentException("SessionCookieOptions.Path must start with '/' and contain no ';' or control characters.");
        }
        if (Domain is not null && !IsHostName(Domain))
        {
            throw new ArgumentException("SessionCookieOptions.Domain must be a host name (letters, digits and hyphens in dot-separated labels, such as example.com), or null.");
        }
        if (MaxAge is { } maxAge && (maxAge < TimeSpan.Zero || maxAge > MaxCookieLifetime))
        {
            throw new ArgumentException("SessionCookieOptions.MaxAge must be between zero (a browser-session cookie) and 400 days, the longest browsers keep a cookie.");
        }
        if (!Enum.IsDefined(SameSite) || !Enum.IsDefined(Secure))
        {
            throw new ArgumentException("SessionCookieOptions.SameSite and Secure must be defined enum values.");
        }
        // RFC 6265bis cookie prefixes: browsers drop a __Host- cookie unless it is Secure, has Path=/ and no Domain,
        // and a __Secure- cookie unless it is Secure
        if (RequiresSecure && Secure == CookieSecurePolicy.Never)
        {
            throw new ArgumentException($"A cookie named '{Name}' must be Secure; set SessionCookieOptions.Secure to Always or Auto, or choose another name.");
        }
        if (Name.StartsWith("__Host-", StringComparison.OrdinalIgnoreCase) && (Path != "/" || Domain is not null))
        {
            throw new ArgumentException($"A cookie named '{Name}' must have Path=/ and no Domain; remove them or choose a name without the __Host- prefix.");
        }
    }

    /// <summary>The longest lifetime browsers give a cookie (RFC 6265bis §4.1.2.2): 400 days.</summary>
    internal static readonly TimeSpan MaxCookieLifetime = TimeSpan.FromDays(400);

    // RFC 1123 host names, as RFC 6265 §4.1.2.3 wants for Domain; a leading dot is allowed and ignored by browsers
    private static bool IsHostName(string domain)
    {
        var name = domain.StartsWith('.') ? domain[1..] : domain;
        if (name.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }

    // RFC 7230 token characters, which RFC 6265 uses for cookie names
    private static bool IsToken(string text)
    {
        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsAttributeValue(string text)
    {
        foreach (char c in text)
        {
            if (c < 0x21 && c != ' ' || c >= 0x7F || c == ';')
            {
                return false;
            }
        }
        return true;
    }
}
