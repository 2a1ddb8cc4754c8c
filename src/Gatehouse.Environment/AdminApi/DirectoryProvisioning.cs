using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Funds;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.AdminApi;

/// <summary>
/// Businesses and Class users as desired state. A password change or a disable kills the user's
/// tokens and cookie sessions at once (ASVS 7.4.2, 10.4.9; RFC 9700 §4.14.2), which is why an
/// unchanged password is detected and left alone (idempotent PUTs revoke nothing).
/// </summary>
public sealed class DirectoryProvisioning(EnvironmentDbContext db, UserManager<ClassUser> users, IOpenIddictTokenManager tokens, TimeProvider time)
{
    public const int MaxCodeLength = 32;

    public static Dictionary<string, string[]> Validate(string code, BusinessRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsBusinessCode(code))
        {
            errors["code"] = [$"The business code must be 1-{MaxCodeLength} letters, digits, '-' or '_'."];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200)
        {
            errors[nameof(request.Name)] = ["Name is required (at most 200 characters)."];
        }

        if (request.Abn is { Length: > 0 } abn && !SandboxGenerator.IsValidAbn(abn.Replace(" ", "", StringComparison.Ordinal)))
        {
            errors[nameof(request.Abn)] = ["The ABN must be 11 digits with valid ATO check digits."];
        }

        if (request.Brands is { } brands)
        {
            if (brands.Count > 20 || brands.Any(b => b is null || !IsBusinessCode(b.Code ?? "") || string.IsNullOrWhiteSpace(b.Name) || b.Name.Length > 200))
            {
                errors[nameof(request.Brands)] = [$"At most 20 brands, each with a code of 1-{MaxCodeLength} letters, digits, '-' or '_' and a name of at most 200 characters."];
            }
            else if (brands.GroupBy(b => b.Code, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
            {
                errors[nameof(request.Brands)] = ["Each brand code may appear once."];
            }
        }

        return errors;
    }

    /// <summary>A password for a new user that the admin did not set: 20 characters from a CSPRNG (about 119 bits).</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return string.Create(20, alphabet, (chars, a) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = a[System.Security.Cryptography.RandomNumberGenerator.GetInt32(a.Length)];
            }
        });
    }

    public async Task<IReadOnlyList<BusinessView>> BusinessesAsync(string? code, CancellationToken cancellationToken)
    {
        var query = db.Businesses.AsNoTracking();
        if (code is not null)
        {
            query = query.Where(b => b.Code == code);
        }

        var businesses = await query.ToListAsync(cancellationToken);
        var ids = businesses.Select(b => b.Id).ToList();
        var brands = await db.Brands.AsNoTracking().Where(b => ids.Contains(b.BusinessId)).ToListAsync(cancellationToken);
        return [.. businesses.OrderBy(b => b.Code, StringComparer.Ordinal).Select(b => new BusinessView(b.Code, b.Name, b.Abn, b.IsSandbox,
            [.. brands.Where(r => r.BusinessId == b.Id).OrderBy(r => r.Code, StringComparer.Ordinal).Select(r => new BrandRequest(r.Code, r.Name))]))];
    }

    public async Task<IReadOnlyList<ClassUserView>> UsersAsync(string? userName, CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking();
        if (userName is not null)
        {
            var normalized = users.NormalizeName(userName);
            query = query.Where(u => u.NormalizedUserName == normalized);
        }

        var list = await query.Include(u => u.Memberships).ThenInclude(m => m.Business).ToListAsync(cancellationToken);
        return [.. list.OrderBy(u => u.UserName, StringComparer.Ordinal).Select(u => new ClassUserView(
            u.UserName ?? "", u.Email ?? "", u.DisplayName, u.LockoutEnd == DateTimeOffset.MaxValue, u.TwoFactorEnabled,
            [.. u.Memberships.OrderBy(m => m.Business.Code, StringComparer.Ordinal).Select(m => new MembershipRequest(m.Business.Code, m.Role, m.IsApiUser))]))];
    }

    public static Dictionary<string, string[]> Validate(string userName, ClassUserRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 256 || userName.Any(char.IsControl))
        {
            errors["userName"] = ["The user name is required (at most 256 characters, no control characters)."];
        }

        if (string.IsNullOrWhiteSpace(request.Email) || !request.Email.Contains('@', StringComparison.Ordinal))
        {
            errors[nameof(request.Email)] = ["A valid email is required."];
        }

        if (request.Password is { Length: 0 })
        {
            errors[nameof(request.Password)] = ["Password may be omitted (null) but not empty."];
        }

        if (request.Memberships is null)
        {
            errors[nameof(request.Memberships)] = ["Memberships are required (may be empty)."];
        }
        else if (request.Memberships.FirstOrDefault(m => m is null || !ClassRoles.All.Contains(m.Role)) is { } bad)
        {
            errors[nameof(request.Memberships)] = [$"Role must be one of: {string.Join(", ", ClassRoles.All)} (got '{bad?.Role}')."];
        }
        else if (request.Memberships.GroupBy(m => m.BusinessCode, StringComparer.OrdinalIgnoreCase).Any(g => g.Count() > 1))
        {
            errors[nameof(request.Memberships)] = ["Each business may appear once."];
        }

        if (request.AuthenticatorKey is { Length: > 0 } key && (key.Length < 16 || key.Any(c => !(c is >= 'A' and <= 'Z' or >= '2' and <= '7'))))
        {
            errors[nameof(request.AuthenticatorKey)] = ["AuthenticatorKey must be base32 (A-Z, 2-7), at least 16 characters."];
        }

        return errors;
    }

    public static bool IsBusinessCode(string code) =>
        code.Length is > 0 and <= MaxCodeLength && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public async Task<BusinessSaved> PutBusinessAsync(string code, BusinessRequest request, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (business is null)
        {
            business = new Business { Id = Guid.NewGuid(), Code = code, CreatedAt = time.GetUtcNow() };
            db.Businesses.Add(business);
        }

        business.Name = request.Name.Trim();
        if (request.Abn is not null)
        {
            business.Abn = request.Abn.Length == 0 ? null : request.Abn.Replace(" ", "", StringComparison.Ordinal);
        }

        if (request.Brands is { } brands)
        {
            var existing = await db.Brands.Where(b => b.BusinessId == business.Id).ToListAsync(cancellationToken);
            db.Brands.RemoveRange(existing.Where(b => !brands.Any(r => string.Equals(r.Code, b.Code, StringComparison.OrdinalIgnoreCase))));
            foreach (var brand in brands)
            {
                var row = existing.FirstOrDefault(b => string.Equals(b.Code, brand.Code, StringComparison.OrdinalIgnoreCase));
                if (row is null)
                {
                    row = new Brand { Id = Guid.NewGuid(), BusinessId = business.Id, Code = brand.Code, CanWrite = true };
                    db.Brands.Add(row);
                }

                row.Name = brand.Name.Trim();
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new BusinessSaved(business.Code, business.Name);
    }

    public async Task<(ClassUserSaved? Saved, Dictionary<string, string[]>? Errors)> PutUserAsync(string userName, ClassUserRequest request, CancellationToken cancellationToken)
    {
        var codes = request.Memberships.Select(m => m.BusinessCode).ToList();
        var businesses = await db.Businesses.Where(b => codes.Contains(b.Code)).ToListAsync(cancellationToken);
        if (codes.FirstOrDefault(c => !businesses.Any(b => b.Code == c)) is { } unknown)
        {
            return (null, new() { [nameof(request.Memberships)] = [$"Unknown business '{unknown}'."] });
        }

        var killSessions = false;
        string? initialPassword = null;
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new ClassUser { Id = Guid.NewGuid(), UserName = userName, Email = request.Email, EmailConfirmed = true, DisplayName = request.DisplayName ?? "" };
            initialPassword = request.Password is null ? GeneratePassword() : null;
            var created = await users.CreateAsync(user, request.Password ?? initialPassword!);
            if (!created.Succeeded)
            {
                return (null, Errors(created));
            }
        }
        else
        {
            if (request.Password is not null && !await users.CheckPasswordAsync(user, request.Password))
            {
                var errors = await ValidatePasswordAsync(user, request.Password);
                if (errors is not null)
                {
                    return (null, errors);
                }

                await users.RemovePasswordAsync(user);
                await users.AddPasswordAsync(user, request.Password);
                killSessions = true;
            }

            user.Email = request.Email;
            user.DisplayName = request.DisplayName ?? user.DisplayName;
            await users.UpdateAsync(user);
        }

        // Disabled = locked out for good (Identity refuses sign-in and the principal factory refuses refreshes).
        var wasDisabled = user.LockoutEnd == DateTimeOffset.MaxValue;
        if (request.Disabled != wasDisabled)
        {
            await users.SetLockoutEndDateAsync(user, request.Disabled ? DateTimeOffset.MaxValue : null);
            killSessions |= request.Disabled;
        }

        if (request.AuthenticatorKey is { } key)
        {
            if (key.Length == 0)
            {
                await users.SetTwoFactorEnabledAsync(user, false);
                await users.RemoveAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey");
            }
            else if (await users.GetAuthenticatorKeyAsync(user) != key || !user.TwoFactorEnabled)
            {
                await users.SetAuthenticationTokenAsync(user, "[AspNetUserStore]", "AuthenticatorKey", key);
                await users.SetTwoFactorEnabledAsync(user, true);
            }
        }

        await db.BusinessMemberships.Where(m => m.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        foreach (var membership in request.Memberships)
        {
            db.BusinessMemberships.Add(new BusinessMembership
            {
                UserId = user.Id,
                BusinessId = businesses.Single(b => b.Code == membership.BusinessCode).Id,
                Role = membership.Role,
                IsApiUser = membership.IsApiUser,
            });
        }

        await db.SaveChangesAsync(cancellationToken);

        if (killSessions)
        {
            // New security stamp: cookie sessions fail their next validation; revoked tokens fail at
            // the APIs now (token entry validation) and can no longer be refreshed.
            await users.UpdateSecurityStampAsync(user);
            await tokens.RevokeBySubjectAsync(user.Id.ToString(), cancellationToken);
        }

        return (new ClassUserSaved(user.Id, userName, user.TwoFactorEnabled, request.Memberships, initialPassword), null);
    }

    private async Task<Dictionary<string, string[]>?> ValidatePasswordAsync(ClassUser user, string password)
    {
        var failures = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            failures.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
        }

        return failures.Count == 0 ? null : Errors(IdentityResult.Failed([.. failures]));
    }

    private static Dictionary<string, string[]> Errors(IdentityResult result) =>
        result.Errors
            .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(ClassUserRequest.Password) : "userName")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
}
