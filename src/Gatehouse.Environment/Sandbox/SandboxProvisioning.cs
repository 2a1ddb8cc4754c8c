using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.Sandbox;

/// <summary>
/// Gives an organisation its sandbox business (once) and makes sure its API user exists with the
/// password the portal chose. Idempotent: the portal may push the same request any number of times.
/// </summary>
public sealed class SandboxProvisioning(EnvironmentDbContext db, UserManager<ClassUser> users, TimeProvider time)
{
    public async Task<(SandboxProvisioned? Result, IDictionary<string, string[]>? Errors)> ProvisionAsync(
        Guid organisationId, SandboxRequest request, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.Include(b => b.Funds).SingleOrDefaultAsync(b => b.OrganisationId == organisationId, cancellationToken)
            ?? await CreateBusinessAsync(organisationId, request.OrganisationName, cancellationToken);

        var user = await users.FindByNameAsync(request.ApiUserName);
        if (user is null)
        {
            user = new ClassUser
            {
                Id = Guid.NewGuid(),
                UserName = request.ApiUserName,
                Email = request.ApiUserName.Contains('@', StringComparison.Ordinal) ? request.ApiUserName : null,
                EmailConfirmed = true,
                DisplayName = $"{request.OrganisationName} API user",
            };
            var created = await users.CreateAsync(user, request.ApiUserPassword);
            if (!created.Succeeded)
            {
                return (null, Errors(created));
            }
        }
        else
        {
            // The portal is the source of truth for the password: reset it, and lift any lockout.
            var validation = await ValidatePasswordAsync(user, request.ApiUserPassword);
            if (validation is not null)
            {
                return (null, validation);
            }

            await users.RemovePasswordAsync(user);
            await users.AddPasswordAsync(user, request.ApiUserPassword);
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
        }

        if (!await db.BusinessMemberships.AnyAsync(m => m.UserId == user.Id && m.BusinessId == business.Id, cancellationToken))
        {
            db.BusinessMemberships.Add(new BusinessMembership { UserId = user.Id, BusinessId = business.Id, Role = BusinessMembership.ApiUserRole, IsApiUser = true });
        }
        else
        {
            await db.BusinessMemberships.Where(m => m.UserId == user.Id && m.BusinessId == business.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.IsApiUser, true).SetProperty(m => m.Role, BusinessMembership.ApiUserRole), cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return (new SandboxProvisioned(business.Code, business.Name, request.ApiUserName, business.Funds.Count), null);
    }

    private async Task<Business> CreateBusinessAsync(Guid organisationId, string organisationName, CancellationToken cancellationToken)
    {
        var code = SandboxGenerator.BusinessCode(organisationId);
        for (var extra = 1; await db.Businesses.AnyAsync(b => b.Code == code, cancellationToken); extra++)
        {
            code = SandboxGenerator.BusinessCode(organisationId, extra);
        }

        var business = new Business
        {
            Id = Guid.NewGuid(),
            Code = code,
            Name = $"{organisationName} Sandbox",
            OrganisationId = organisationId,
            IsSandbox = true,
            CreatedAt = time.GetUtcNow(),
            Funds = SandboxGenerator.Funds(organisationId, brandName: organisationName),
        };
        db.Businesses.Add(business);
        await db.SaveChangesAsync(cancellationToken);
        return business;
    }

    private async Task<IDictionary<string, string[]>?> ValidatePasswordAsync(ClassUser user, string password)
    {
        var failures = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            failures.AddRange(result.Errors);
        }

        return failures.Count == 0 ? null : Errors(IdentityResult.Failed([.. failures]));
    }

    private static Dictionary<string, string[]> Errors(IdentityResult result) =>
        result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(SandboxRequest.ApiUserPassword) : nameof(SandboxRequest.ApiUserName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
