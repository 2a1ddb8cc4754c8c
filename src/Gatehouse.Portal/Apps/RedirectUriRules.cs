using System.Net;

namespace Gatehouse.Portal.Apps;

/// <summary>
/// Registration-time rules for redirect URIs (docs/security-checklist.md §1.1 "Registration (portal) side";
/// RFC 9700 §2.1, §4.1.3; OAuth 2.1 "Registration Requirements"; RFC 8252 §7.3, §8.3). The
/// authorization server compares redirect URIs as exact strings, so the URI is stored exactly as
/// typed once it passes: nothing here normalises it.
/// </summary>
public static class RedirectUriRules
{
    public const int MaxPerApp = 10;

    public const int MaxLength = 2000;

    /// <summary>Null when <paramref name="uri"/> may be registered, else a message for the developer.</summary>
    public static string? Check(string? uri, bool isSandbox, int existingCount = 0)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return "Enter a redirect URI.";
        }

        if (existingCount >= MaxPerApp)
        {
            return $"An app may have at most {MaxPerApp} redirect URIs; remove one first.";
        }

        if (uri.Length > MaxLength)
        {
            return $"Use at most {MaxLength} characters.";
        }

        // Whitespace and control characters (CR/LF/tab/space) change meaning between parsers.
        if (uri.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "A redirect URI cannot contain spaces or control characters.";
        }

        // Dangerous schemes in any letter case, checked on the raw text before any parsing.
        var scheme = uri.Split(':', 2)[0].ToLowerInvariant();
        if (scheme is "javascript" or "data" or "vbscript" or "file")
        {
            return $"The {scheme}: scheme is not allowed.";
        }

        if (uri.Contains('*', StringComparison.Ordinal))
        {
            return "Wildcards (*) are not allowed: register each exact URI.";
        }

        if (uri.Contains('#', StringComparison.Ordinal))
        {
            return "A redirect URI cannot contain a fragment (#).";
        }

        // A backslash is a path separator to browsers but not to .NET's parser (userinfo tricks).
        if (uri.Contains('\\', StringComparison.Ordinal))
        {
            return "A redirect URI cannot contain a backslash.";
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host)
            || !uri.StartsWith(parsed.Scheme + "://", StringComparison.OrdinalIgnoreCase))
        {
            return "Enter an absolute URI such as https://app.example.com/callback.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo) || AuthorityOf(uri).Contains('@', StringComparison.Ordinal))
        {
            return "A redirect URI cannot contain a user name or password (user@host).";
        }

        if (parsed.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (parsed.Scheme != Uri.UriSchemeHttp)
        {
            return "Use https.";
        }

        // RFC 8252 §7.3/§8.3: plain http only to a loopback IP literal (not "localhost", which a
        // resolver or a look-alike such as localhost.evil.test can point elsewhere), and only in PIE.
        if (!IsLoopbackLiteral(parsed.Host))
        {
            return "Use https. Plain http is allowed only for loopback addresses (127.0.0.1 or [::1]) in PIE.";
        }

        return isSandbox ? null : "Plain http loopback addresses are allowed only in PIE; use https in Production.";
    }

    private static string AuthorityOf(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.IndexOfAny(['/', '?']);
        return end < 0 ? rest : rest[..end];
    }

    private static bool IsLoopbackLiteral(string host) =>
        IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)
        && (host == "127.0.0.1" || host == "[::1]");
}
