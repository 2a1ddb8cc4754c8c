using Gatehouse.Portal.ManagementApi;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Gatehouse.Portal.Catalogue;

/// <summary>
/// <c>POST /catalogue/try-it/personal-token</c> (form: antiforgery token, <c>Write</c>): try-it for the
/// Management API. The portal's own API has no sandbox and no OAuth client, so the reference calls it
/// with a personal access token the signed-in developer creates here: theirs, one day long, read-only
/// unless they tick write, listed (and revocable) on their API tokens page like any other, audited.
/// The page receives that token and nothing else.
/// </summary>
[Authorize]
[EnableRateLimiting(CatalogueRegistration.TryItPolicy)]
public sealed class TryItPersonalTokenModel(CurrentMember current, PersonalAccessTokens tokens, TimeProvider clock) : PageModel
{
    public const string TokenName = "Try-it in the API reference";

    public const int LifetimeDays = 1;

    [BindProperty]
    public bool Write { get; set; }

    /// <summary>Nothing to show: the reference page posts here from script.</summary>
    public IActionResult OnGet() => Redirect("/catalogue/management-api/reference");

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Response.Headers.CacheControl = "no-store";
        if (await current.FindAsync(User, cancellationToken) is not { } member)
        {
            return NotFound();
        }

        string[] scopes = Write ? [ApiScopes.AppsRead, ApiScopes.AppsWrite] : [ApiScopes.AppsRead];
        var (token, errors) = await tokens.CreateAsync(member, TokenName, scopes, LifetimeDays, cancellationToken);
        if (token is null)
        {
            return TryItModel.Problem(StatusCodes.Status422UnprocessableEntity, "No try-it token.", string.Join(" ", errors.SelectMany(e => e.Value)));
        }

        return new JsonResult(new
        {
            AccessToken = token,
            Scope = string.Join(' ', scopes),
            ExpiresAt = clock.GetUtcNow().AddDays(LifetimeDays),
            Name = TokenName,
        });
    }
}
