using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Environment.Account;

/// <summary>
/// CS5: the login and MFA pages' <c>form-action</c> is 'self' plus, at most, the origin of a redirect
/// URI that is registered for the client named in the return URL (browsers apply form-action to
/// the redirects after the post, which can end at the client when consent is not needed or the
/// user cancels). Never an origin merely named in <c>returnUrl</c>: that would let a link widen the CSP.
/// </summary>
public static class FormActionPolicy
{
    public static async Task ApplyAsync(HttpContext http, string? returnUrl) =>
        PageSecurity.AllowFormRedirectTo(http, await RegisteredRedirectUriAsync(http, returnUrl));

    private static async Task<string?> RegisteredRedirectUriAsync(HttpContext http, string? returnUrl)
    {
        if (!PageSecurity.IsSafeReturnUrl(returnUrl) || PageSecurity.RedirectUriIn(returnUrl) is not { } redirectUri
            || !returnUrl!.StartsWith("/connect/authorize?", StringComparison.Ordinal))
        {
            return null;
        }

        var query = QueryHelpers.ParseQuery(returnUrl[returnUrl.IndexOf('?', StringComparison.Ordinal)..]);
        var applications = http.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        return query.TryGetValue("client_id", out var clientId) && clientId.ToString() is { Length: > 0 } id
            && await applications.FindByClientIdAsync(id, http.RequestAborted) is { } application
            && await applications.ValidateRedirectUriAsync(application, redirectUri, http.RequestAborted)
            ? redirectUri
            : null;
    }
}
