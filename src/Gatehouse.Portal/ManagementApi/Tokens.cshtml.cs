using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Apps;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.ManagementApi;

/// <summary>Create (shown once), list and revoke personal access tokens for the management API.</summary>
[Authorize]
public sealed class TokensModel(CurrentMember current, PersonalAccessTokens tokens, TimeProvider clock) : PageModel
{
    public IReadOnlyList<PersonalAccessToken> Tokens { get; private set; } = [];

    public string? CreatedToken { get; private set; }

    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    public TokenInput Input { get; set; } = new();

    [BindProperty]
    public Guid TokenId { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        await LoadAsync(member, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        var scopes = new List<string>();
        if (Input.Read)
        {
            scopes.Add(ApiScopes.AppsRead);
        }

        if (Input.Write)
        {
            scopes.Add(ApiScopes.AppsWrite);
        }

        var (token, errors) = await tokens.CreateAsync(member, Input.Name, scopes, Input.LifetimeDays, cancellationToken);
        ModelState.AddLifecycleErrors(errors, "Input");
        if (token is not null)
        {
            CreatedToken = token;
            Response.Headers.CacheControl = "no-store";
            Response.Headers.Pragma = "no-cache";
            Input = new TokenInput();
        }

        await LoadAsync(member, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        var member = current.Value;

        return await tokens.RevokeAsync(member, TokenId, cancellationToken) ? Redirect("/api-tokens") : NotFound();
    }

    private async Task LoadAsync(Member member, CancellationToken cancellationToken)
    {
        Now = clock.GetUtcNow();
        Tokens = await tokens.ListAsync(member.DeveloperId, cancellationToken);
    }
}

public sealed class TokenInput
{
    [Display(Name = "Token name")]
    public string? Name { get; set; }

    [Display(Name = "apps:read — list and read apps")]
    public bool Read { get; set; } = true;

    [Display(Name = "apps:write — create, change and delete apps and credentials")]
    public bool Write { get; set; }

    [Display(Name = "Expires after (days, at most 366)")]
    public int LifetimeDays { get; set; } = 90;
}
