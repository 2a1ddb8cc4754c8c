using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.Sandbox;

/// <summary>
/// Gives an organisation its sandbox business (once) and makes sure its API user (and Access
/// Controller, when asked) exist with the passwords the portal chose. Idempotent: the portal may
/// push the same request any number of times. <see cref="ResetAsync"/> restores the generated data.
/// </summary>
public sealed class SandboxProvisioning(EnvironmentDbContext db, UserManager<ClassUser> users, TimeProvider time)
{
    public const string AccessControllerRole = "Access Controller";

    private const int MaxAttempts = 8;

    public async Task<(SandboxProvisioned? Result, IDictionary<string, string[]>? Errors)> ProvisionAsync(
        Guid organisationId, SandboxRequest request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ProvisionOnceAsync(organisationId, request, cancellationToken);
            }
            catch (DbUpdateException e) when (attempt < MaxAttempts - 1 && (e is DbUpdateConcurrencyException || StoreErrors.IsConstraintViolation(e)))
            {
                // A PUT is idempotent: another PUT of the same sandbox (a retrying provisioner, a second
                // portal node) created or changed the business or the user first. Each round has a winner,
                // so going again on the rows as they now are ends.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(SandboxProvisioned? Result, IDictionary<string, string[]>? Errors)> ProvisionOnceAsync(
        Guid organisationId, SandboxRequest request, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.Include(b => b.Funds).SingleOrDefaultAsync(b => b.OrganisationId == organisationId, cancellationToken)
            ?? await CreateBusinessAsync(organisationId, request.OrganisationName, cancellationToken);

        var errors = await EnsureUserAsync(business, request.OrganisationName, request.ApiUserName, request.ApiUserPassword,
            BusinessMembership.ApiUserRole, isApiUser: true, nameof(SandboxRequest.ApiUserName), nameof(SandboxRequest.ApiUserPassword), cancellationToken);
        if (errors is not null)
        {
            return (null, errors);
        }

        if (!string.IsNullOrWhiteSpace(request.AccessControllerUserName) && !string.IsNullOrEmpty(request.AccessControllerPassword))
        {
            errors = await EnsureUserAsync(business, request.OrganisationName, request.AccessControllerUserName, request.AccessControllerPassword,
                AccessControllerRole, isApiUser: false, nameof(SandboxRequest.AccessControllerUserName), nameof(SandboxRequest.AccessControllerPassword), cancellationToken);
            if (errors is not null)
            {
                return (null, errors);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var members = await db.Members.CountAsync(m => db.Funds.Any(f => f.Id == m.FundId && f.BusinessId == business.Id), cancellationToken);
        return (new SandboxProvisioned(business.Code, business.Name, request.ApiUserName, business.Funds.Count,
            string.IsNullOrWhiteSpace(request.AccessControllerUserName) ? null : request.AccessControllerUserName, members), null);
    }

    /// <summary>
    /// Deletes everything the business holds (funds, members, journals, documents — including ones
    /// apps uploaded — brands, contacts) and writes the generated data again, in one transaction.
    /// Users, memberships, apps and consents stay. Null when the organisation has no sandbox.
    /// </summary>
    public async Task<SandboxReset?> ResetAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.SingleOrDefaultAsync(b => b.OrganisationId == organisationId && b.IsSandbox, cancellationToken);
        if (business is null)
        {
            return null;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var funds = db.Funds.Where(f => f.BusinessId == business.Id).Select(f => f.Id);
            var documents = db.Documents.Where(d => funds.Contains(d.FundId)).Select(d => d.Id);
            await db.DocumentContents.Where(c => documents.Contains(c.DocumentId)).ExecuteDeleteAsync(cancellationToken);
            await db.Documents.Where(d => funds.Contains(d.FundId)).ExecuteDeleteAsync(cancellationToken);
            await db.JournalLines.Where(l => funds.Contains(l.FundId)).ExecuteDeleteAsync(cancellationToken);
            await db.LedgerAccounts.Where(a => funds.Contains(a.FundId)).ExecuteDeleteAsync(cancellationToken);
            await db.MemberAccounts.Where(a => funds.Contains(a.FundId)).ExecuteDeleteAsync(cancellationToken);
            await db.Members.Where(m => funds.Contains(m.FundId)).ExecuteDeleteAsync(cancellationToken);
            await db.Funds.Where(f => f.BusinessId == business.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Brands.Where(b => b.BusinessId == business.Id).ExecuteDeleteAsync(cancellationToken);
            await db.BusinessContacts.Where(c => c.BusinessId == business.Id).ExecuteDeleteAsync(cancellationToken);

            var data = SandboxGenerator.Generate(organisationId, SeedName(business));
            Add(business, data);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return new SandboxReset(business.Code, data.Funds.Count, data.Members.Count, data.Documents.Count);
        });
    }

    private static string SeedName(Business business) =>
        business.SandboxSeedName ?? (business.Name.EndsWith(" Sandbox", StringComparison.Ordinal) ? business.Name[..^" Sandbox".Length] : business.Name);

    private async Task<IDictionary<string, string[]>?> EnsureUserAsync(
        Business business, string organisationName, string userName, string password, string role, bool isApiUser,
        string userField, string passwordField, CancellationToken cancellationToken)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new ClassUser
            {
                Id = Guid.NewGuid(),
                UserName = userName,
                Email = userName.Contains('@', StringComparison.Ordinal) ? userName : null,
                EmailConfirmed = true,
                DisplayName = isApiUser ? $"{organisationName} API user" : $"{organisationName} Access Controller",
            };
            var created = await users.CreateAsync(user, password);
            if (created.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName)))
            {
                // Not there when we looked, there now: a concurrent PUT created it.
                throw new DbUpdateConcurrencyException($"User {userName} was created concurrently.");
            }

            if (!created.Succeeded)
            {
                return Errors(created, userField, passwordField);
            }
        }
        else
        {
            // The portal is the source of truth for the password: set it, and lift any lockout. One
            // update, and none when nothing changes (a re-sent PUT must not touch the row or its stamp).
            var validation = await ValidatePasswordAsync(user, password, userField, passwordField);
            if (validation is not null)
            {
                return validation;
            }

            var changed = false;
            if (!await users.CheckPasswordAsync(user, password))
            {
                user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
                changed = true;
            }

            if (user.LockoutEnd is not null || user.AccessFailedCount != 0)
            {
                user.LockoutEnd = null;
                user.AccessFailedCount = 0;
                changed = true;
            }

            if (changed)
            {
                var updated = await users.UpdateSecurityStampAsync(user);
                if (!updated.Succeeded)
                {
                    throw new DbUpdateConcurrencyException($"User {userName} was changed concurrently: {updated}");
                }
            }
        }

        if (!await db.BusinessMemberships.AnyAsync(m => m.UserId == user.Id && m.BusinessId == business.Id, cancellationToken))
        {
            db.BusinessMemberships.Add(new BusinessMembership { UserId = user.Id, BusinessId = business.Id, Role = role, IsApiUser = isApiUser });
        }
        else
        {
            await db.BusinessMemberships.Where(m => m.UserId == user.Id && m.BusinessId == business.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.IsApiUser, isApiUser).SetProperty(m => m.Role, role), cancellationToken);
        }

        return null;
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
            SandboxSeedName = organisationName,
        };
        db.Businesses.Add(business);
        Add(business, SandboxGenerator.Generate(organisationId, organisationName));
        await db.SaveChangesAsync(cancellationToken);
        return business;
    }

    private void Add(Business business, SandboxData data)
    {
        foreach (var fund in data.Funds)
        {
            fund.BusinessId = business.Id;
        }

        foreach (var brand in data.Brands)
        {
            brand.BusinessId = business.Id;
        }

        foreach (var contact in data.Contacts)
        {
            contact.BusinessId = business.Id;
        }

        db.Funds.AddRange(data.Funds);
        db.Brands.AddRange(data.Brands);
        db.BusinessContacts.AddRange(data.Contacts);
        db.Members.AddRange(data.Members);
        db.MemberAccounts.AddRange(data.MemberAccounts);
        db.LedgerAccounts.AddRange(data.LedgerAccounts);
        db.JournalLines.AddRange(data.JournalLines);
        db.Documents.AddRange(data.Documents);
        db.DocumentContents.AddRange(data.DocumentContents);
    }

    private async Task<IDictionary<string, string[]>?> ValidatePasswordAsync(ClassUser user, string password, string userField, string passwordField)
    {
        var failures = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            failures.AddRange(result.Errors);
        }

        return failures.Count == 0 ? null : Errors(IdentityResult.Failed([.. failures]), userField, passwordField);
    }

    private static Dictionary<string, string[]> Errors(IdentityResult result, string userField, string passwordField) =>
        result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? passwordField : userField)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
