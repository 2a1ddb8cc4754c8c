using Gatehouse.Environment.Account;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Connections;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// <c>/connect/authorize</c> (GET and POST) after OpenIddict has validated the client, the exact
/// redirect URI and PKCE (passthrough). Decides: log in first, answer without asking (an existing
/// connection for the pinned business), or show the consent page with its business picker. The
/// consent form posts back here with the original parameters, an antiforgery token and the decision.
/// </summary>
[IgnoreAntiforgeryToken] // A client's own POST authorization request carries no token; the consent decision is checked below.
public sealed class AuthorizeModel(
    UserManager<ClassUser> users,
    IOpenIddictApplicationManager applications,
    ConnectionStore connections,
    EnvironmentDbContext db,
    EnvironmentEndpoint environment,
    IAntiforgery antiforgery,
    IDataProtectionProvider protection,
    IOptions<AuthorizationServerOptions> policy,
    TimeProvider time) : PageModel
{
    private static readonly HashSet<string> OwnFields = ["decision", "business", "__RequestVerificationToken", Cancellation.Parameter];

    public string AppName { get; private set; } = "";

    public string AppInitials => string.Concat(AppName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2).Select(w => char.ToUpperInvariant(w[0])));

    public string? LogoDataUri { get; private set; }

    public string OrganisationName { get; private set; } = "";

    public string AppStatus => environment.IsSandbox
        ? "A partner app in the PIE test environment: not reviewed by Class."
        : "A partner app approved by Class for Production.";

    public string UserName { get; private set; } = "";

    public IReadOnlyList<Business> Businesses { get; private set; } = [];

    public Business? PinnedBusiness { get; private set; }

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public string Lifetime { get; private set; } = "";

    public IReadOnlyList<(string Name, string Value)> RequestParameters { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => HandleAsync(decision: null, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var decision = Request.Form["decision"].ToString();
        if (decision.Length > 0 && !await antiforgery.IsRequestValidAsync(HttpContext))
        {
            return BadRequest();
        }

        return await HandleAsync(decision.Length > 0 ? decision : null, cancellationToken);
    }

    private async Task<IActionResult> HandleAsync(string? decision, CancellationToken cancellationToken)
    {
        // Errors OpenIddict must not redirect (unknown client, redirect URI not registered): an error
        // page, no Location header (RFC 6749 §4.1.2.1).
        if (HttpContext.GetOpenIddictServerResponse() is { Error: { } error } response)
        {
            // Errors OpenIddict raises before it has matched the redirect URI (PKCE parameters) still go
            // back to the client, with state and iss (RFC 6749 §4.1.2.1, RFC 9207), once the client,
            // response_type=code and the single, exactly registered redirect URI are all sound.
            if (await TrustedRedirectUriAsync(cancellationToken) is { } trusted)
            {
                var query = new Dictionary<string, string?> { ["error"] = error, ["error_description"] = response.ErrorDescription, ["iss"] = environment.ResolveIssuer().AbsoluteUri };
                if (Raw("state") is { Length: > 0 } state)
                {
                    query["state"] = state;
                }

                return Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(trusted, query));
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            Response.Headers.CacheControl = "no-store";
            return Content($"The request was refused: {error}. {response.ErrorDescription}", "text/plain; charset=utf-8");
        }

        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        PageSecurity.AllowFormRedirectTo(HttpContext, request.RedirectUri);

        var login = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = login.Succeeded ? await users.GetUserAsync(login.Principal) : null;
        var issued = login.Properties?.IssuedUtc;
        var tooOld = request.MaxAge is { } maxAge && (issued is null || time.GetUtcNow() - issued.Value > TimeSpan.FromSeconds(maxAge));
        var cancelled = Cancellation.IsValid(protection, Raw(Cancellation.Parameter));

        if (cancelled)
        {
            return Refuse(Errors.AccessDenied, "The user cancelled the login.");
        }

        // A session from before the environment required MFA does not count: log in (and enrol) again.
        var lacksMfa = user is not null && policy.Value.RequireMfa == true && !user.TwoFactorEnabled;
        if (user is null || lacksMfa || await users.IsLockedOutAsync(user) || tooOld || (request.HasPromptValue(PromptValues.Login) && decision is null))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not logged in.");
            }

            // Back here after login, without prompt=login (or it would loop); max_age is met by then.
            var parameters = Parameters().Where(p => p.Name != "prompt" || !request.HasPromptValue(PromptValues.Login)).ToList();
            var returnUrl = "/connect/authorize" + QueryString.Create(parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)));
            var url = "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl);
            if (!string.IsNullOrEmpty(request.LoginHint))
            {
                url += "&login_hint=" + Uri.EscapeDataString(request.LoginHint);
            }

            return Redirect(url);
        }

        // RFC 9700 §4.11.2: scope errors are answered only now that the user is authenticated.
        if (ScopePermissionHandler.DeferredError(HttpContext) is { } scopeError)
        {
            return Refuse(Errors.InvalidScope, scopeError);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict validated an unknown client.");
        var applicationId = (await applications.GetIdAsync(application, cancellationToken))!;
        var client = await ClientProperties.ReadAsync(applications, request.ClientId, cancellationToken);
        if (client?.AppType != AppTypes.Partner)
        {
            return Refuse(Errors.UnauthorizedClient, "Only Partner apps use the authorization code flow.");
        }

        var eligible = await EligibleBusinessesAsync(user.Id, cancellationToken);
        var target = TargetScopeHandler.For(HttpContext);
        Business? pinned = null;
        if (target?.BusinessCode is { } code)
        {
            pinned = eligible.FirstOrDefault(b => string.Equals(b.Code, code, StringComparison.OrdinalIgnoreCase));
            if (pinned is null)
            {
                return Refuse(Errors.AccessDenied, "You cannot grant access to that business.");
            }
        }
        else if (eligible.Count == 0)
        {
            return Refuse(Errors.AccessDenied, "You hold no role that may grant apps access to a business.");
        }

        var scopes = request.GetScopes();
        if (decision == "deny")
        {
            return Refuse(Errors.AccessDenied, "The user denied access.");
        }

        if (decision == "allow")
        {
            var chosen = pinned ?? eligible.FirstOrDefault(b => string.Equals(b.Code, Request.Form["business"].ToString(), StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                return BadRequest();
            }

            var id = await connections.GrantAsync(applicationId, user.Id.ToString(), chosen.Code, scopes, time.GetUtcNow(), cancellationToken);
            return Issue(user, chosen, scopes, id, issued);
        }

        // Answer without asking only when the business is known and this user already connected
        // the app to it with these scopes; consent for one business never covers another (EN3).
        var prior = pinned ?? (eligible.Count == 1 ? eligible[0] : null);
        var existing = prior is null ? null : await connections.FindAsync(applicationId, user.Id.ToString(), prior.Code, cancellationToken);
        var covers = existing is not null && (await ConnectionScopesAsync(existing, cancellationToken)).IsSupersetOf(scopes);
        if (covers && !request.HasPromptValue(PromptValues.Consent))
        {
            var id = await connections.GrantAsync(applicationId, user.Id.ToString(), prior!.Code, scopes, time.GetUtcNow(), cancellationToken);
            return Issue(user, prior, scopes, id, issued);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not connected this app to the business.");
        }

        AppName = await applications.GetDisplayNameAsync(application, cancellationToken) ?? request.ClientId!;
        LogoDataUri = client.LogoDataUri;
        OrganisationName = client.OrganisationName;
        UserName = user.UserName ?? "";
        Businesses = eligible;
        PinnedBusiness = pinned;
        Scopes = [.. scopes];
        Lifetime = scopes.Contains(OpenIddictConstants.Scopes.OfflineAccess)
            ? "Access lasts until you revoke it on the Partner Application Access page; the app may stay connected for up to 30 days at a time without you."
            : "Access ends 15 minutes after you allow it; you can revoke it at any time on the Partner Application Access page.";
        RequestParameters = Parameters();
        return Page();
    }

    private Microsoft.AspNetCore.Mvc.SignInResult Issue(ClassUser user, Business business, IEnumerable<string> scopes, string authorizationId, DateTimeOffset? issued) =>
        SignIn(
            ClassPrincipalFactory.ForUser(user, business, scopes, authorizationId).WithAuthenticationTime(issued),
            ClassPrincipalFactory.Properties(business),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>An error response to the client's redirect URI, with state and iss (OpenIddict adds both).</summary>
    private ForbidResult Refuse(string error, string description) =>
        Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    private async Task<List<Business>> EligibleBusinessesAsync(Guid userId, CancellationToken cancellationToken)
    {
        var memberships = await db.BusinessMemberships.AsNoTracking().Include(m => m.Business)
            .Where(m => m.UserId == userId).ToListAsync(cancellationToken);
        return [.. memberships.Where(m => ClassRoles.MayGrantAppAccess(m.Role)).Select(m => m.Business).OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase)];
    }

    private async Task<HashSet<string>> ConnectionScopesAsync(object authorization, CancellationToken cancellationToken) =>
        [.. await HttpContext.RequestServices.GetRequiredService<IOpenIddictAuthorizationManager>().GetScopesAsync(authorization, cancellationToken)];

    /// <summary>The request as the client sent it (query or form), without this page's own fields.</summary>
    private List<(string Name, string Value)> Parameters()
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source = Request.HasFormContentType ? Request.Form : Request.Query;
        return [.. source.Where(p => !OwnFields.Contains(p.Key)).SelectMany(p => p.Value.Select(v => (p.Key, v ?? "")))];
    }

    private async Task<string?> TrustedRedirectUriAsync(CancellationToken cancellationToken)
    {
        var source = Request.HasFormContentType ? Request.Form : (IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>)Request.Query;
        var all = source.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (!all.TryGetValue("redirect_uri", out var uris) || uris.Count != 1 || !all.TryGetValue("client_id", out var ids) || ids.Count != 1
            || string.IsNullOrEmpty(ids.ToString()) || string.IsNullOrEmpty(uris.ToString())
            || !all.TryGetValue("response_type", out var types) || types.ToString() != ResponseTypes.Code
            || await applications.FindByClientIdAsync(ids.ToString(), cancellationToken) is not { } application
            || !await applications.ValidateRedirectUriAsync(application, uris.ToString(), cancellationToken))
        {
            return null;
        }

        return uris.ToString();
    }

    private string? Raw(string name) => Request.HasFormContentType ? Request.Form[name].ToString() : Request.Query[name].ToString();
}
