namespace Gatehouse.Environment.Account;

/// <summary>Header and redirect rules shared by the login, MFA and consent pages.</summary>
public static class PageSecurity
{
    /// <summary>
    /// Browsers apply <c>form-action</c> to the redirects that follow a form post, and the login and
    /// consent posts end at the client's (already validated) redirect URI. So those pages allow
    /// exactly that origin besides 'self'; everything else is the plane's strict CSP (no inline
    /// script or style, <c>frame-ancestors 'none'</c>; RFC 9700 §4.16).
    /// </summary>
    public static void AllowFormRedirectTo(HttpContext http, string? redirectUri)
    {
        var extra = Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? " " + uri.GetLeftPart(UriPartial.Authority)
            : "";
        http.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            $"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'{extra}";
        http.Response.Headers.CacheControl = "no-store";
    }

    /// <summary>Only our own authorize endpoint (or another local page) is a place to return to after login (CS4).</summary>
    public static bool IsSafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl)
        && returnUrl.StartsWith('/')
        && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl);

    /// <summary>The redirect_uri inside a return URL pointing at /connect/authorize, for the CSP above.</summary>
    public static string? RedirectUriIn(string? returnUrl)
    {
        if (!IsSafeReturnUrl(returnUrl))
        {
            return null;
        }

        var query = returnUrl!.IndexOf('?', StringComparison.Ordinal) is var i and >= 0 ? returnUrl[i..] : "";
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).TryGetValue("redirect_uri", out var value) ? value.ToString() : null;
    }

    public static string Append(string url, string name, string value) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
}
