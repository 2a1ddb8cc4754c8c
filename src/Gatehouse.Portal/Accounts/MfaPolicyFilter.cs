using Gatehouse.Portal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// The organisation's MFA policy (ASVS 6.3.3): while a member of an organisation that requires MFA has
/// not enrolled, every page outside the account pages sends them to enrol.
/// </summary>
public sealed class MfaPolicyFilter(PortalDbContext db, UserManager<Developer> users) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var path = context.ActionDescriptor.ViewEnginePath;
        if (context.HttpContext.User.Identity?.IsAuthenticated == true
            && !path.StartsWith("/Accounts/", StringComparison.Ordinal)
            && path != "/Home/Index"
            && Guid.TryParse(users.GetUserId(context.HttpContext.User), out var id)
            && await db.Users.AsNoTracking()
                .Where(u => u.Id == id && !u.TwoFactorEnabled && u.OrganisationId != null)
                .Join(db.Organisations, u => u.OrganisationId, o => o.Id, (u, o) => o.RequireMfa)
                .SingleOrDefaultAsync())
        {
            context.Result = new RedirectResult("/account/mfa?required=true");
            return;
        }

        await next();
    }
}
