namespace MongoSessions;

/// <summary>The <c>SameSite</c> attribute of the session cookie.</summary>
public enum SameSiteMode
{
    /// <summary>Sent on top-level navigations from other sites, not on their subrequests or cross-site POSTs. The default.</summary>
    Lax,

    /// <summary>Never sent with requests that another site starts.</summary>
    Strict,

    /// <summary>Sent with every request; browsers require <c>Secure</c> with it, so MongoSess always adds <c>Secure</c>.</summary>
    None,

    /// <summary>No <c>SameSite</c> attribute is written; the browser's default applies.</summary>
    Unspecified,
}
