using System.Net;

namespace Gatehouse.Hosting.Contracts;

/// <summary>Why a redirect URI cannot be registered: a stable <paramref name="Code"/> and a message for the developer.</summary>
public sealed record RedirectUriProblem(string Code, string Message);

/// <summary>
/// The one registration rule for redirect URIs, called by the portal when a developer adds one and by
/// the environment when the portal pushes a client, so the two cannot accept different things
/// (docs/security-checklist.md §1.1; RFC 9700 §2.1, §4.1.3; OAuth 2.1 "Registration Requirements";
/// RFC 8252 §7.3, §8.3). The authorization server compares redirect URIs as exact strings, so a URI is
/// stored exactly as typed and must already be in the form .NET would give it: nothing here normalises.
/// </summary>
public static class RedirectUriRules
{
    public const int MaxPerApp = 10;

    public const int MaxLength = 2000;

    /// <summary>The field the environment reports redirect URI errors under (<see cref="ClientDescriptor.RedirectUris"/>).</summary>
    public const string Field = nameof(ClientDescriptor.RedirectUris);

    /// <summary>Null when <paramref name="uri"/> may be registered in an environment with that sandbox flag, else why not.</summary>
    /// <param name="isSandbox">Plain http to a loopback IP literal is allowed only in a sandbox environment (PIE).</param>
    public static RedirectUriProblem? Check(string? uri, bool isSandbox)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return new("redirect_uri_required", "Enter a redirect URI.");
        }

        if (uri.Length > MaxLength)
        {
            return new("redirect_uri_too_long", $"Use at most {MaxLength} characters.");
        }

        // Whitespace and control characters (CR/LF/tab/space) change meaning between parsers.
        if (uri.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return new("redirect_uri_whitespace", "A redirect URI cannot contain spaces or control characters.");
        }

        // Dangerous schemes in any letter case, checked on the raw text before any parsing.
        var scheme = uri.Split(':', 2)[0].ToLowerInvariant();
        if (scheme is "javascript" or "data" or "vbscript" or "file")
        {
            return new("redirect_uri_scheme", $"The {scheme}: scheme is not allowed.");
        }

        if (uri.Contains('*', StringComparison.Ordinal))
        {
            return new("redirect_uri_wildcard", "Wildcards (*) are not allowed: register each exact URI.");
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return new("redirect_uri_fragment", "A redirect URI cannot contain a fragment (#).");
        }

        // A backslash is a path separator to browsers but not to .NET's parser (userinfo tricks).
        if (uri.Contains('\\', StringComparison.Ordinal))
        {
            return new("redirect_uri_backslash", "A redirect URI cannot contain a backslash.");
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host)
            || !uri.StartsWith(parsed.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return new("redirect_uri_not_absolute", "Enter an absolute URI such as https://app.example.com/callback.");
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo) || AuthorityOf(uri).Contains('@', StringComparison.Ordinal))
        {
            return new("redirect_uri_userinfo", "A redirect URI cannot contain a user name or password (user@host).");
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
        {
            return new("redirect_uri_https_required", "Use https.");
        }

        // Exact matching needs one spelling: .NET (and OpenIddict, which compares Uri objects) would turn
        // a bare origin, an upper-case scheme or host, a default port, dot segments, percent-encoded
        // unreserved characters or a short IPv4 form (127.1) into another string than the one registered.
        if (!string.Equals(parsed.AbsoluteUri, uri, StringComparison.Ordinal))
        {
            return new("redirect_uri_not_canonical",
                $"Write the redirect URI in its canonical form, {parsed.AbsoluteUri}: lower-case scheme and host, a path (at least /), no default port, no dot segments and no percent-encoding of letters, digits or -._~.");
        }

        if (parsed.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        // RFC 8252 §7.3/§8.3: plain http only to a loopback IP literal (not "localhost", which a
        // resolver or a look-alike such as localhost.evil.test can point elsewhere), and only in PIE.
        if (!IsLoopbackLiteral(parsed.Host))
        {
            return new("redirect_uri_https_required", "Use https. Plain http is allowed only for loopback addresses (127.0.0.1 or [::1]) in PIE.");
        }

        return isSandbox ? null : new("redirect_uri_loopback_sandbox_only", "Plain http loopback addresses are allowed only in PIE; use https in Production.");
    }

    /// <summary>Every URI of one app: each by <see cref="Check"/>, at most <see cref="MaxPerApp"/>, no duplicates (exact strings).</summary>
    public static RedirectUriProblem? CheckAll(IReadOnlyCollection<string>? uris, bool isSandbox)
    {
        if (uris is null)
        {
            return null;
        }

        if (uris.Count > MaxPerApp)
        {
            return TooMany;
        }

        if (uris.Count != uris.Distinct(StringComparer.Ordinal).Count())
        {
            return Duplicate;
        }

        return uris.Select(u => Check(u, isSandbox)).FirstOrDefault(p => p is not null);
    }

    public static RedirectUriProblem TooMany { get; } = new("redirect_uri_too_many", $"An app may have at most {MaxPerApp} redirect URIs; remove one first.");

    public static RedirectUriProblem Duplicate { get; } = new("redirect_uri_duplicate", "That redirect URI is already registered.");

    /// <summary>An http(s) URI whose host is the IPv4 or IPv6 loopback literal (the hosts RFC 8252 §7.3 lets use any port).</summary>
    public static bool IsLoopbackLiteral(string host) =>
        (host == "127.0.0.1" || host == "[::1]") && IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);

    private static string AuthorityOf(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.IndexOfAny(['/', '?']);
        return end < 0 ? rest : rest[..end];
    }
}
