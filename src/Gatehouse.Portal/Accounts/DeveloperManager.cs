using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// Identity's <see cref="UserManager{TUser}"/> with lockout on the injected <see cref="TimeProvider"/>:
/// the stock one reads the system clock to start and to check a lockout, so a test could only wait
/// 15 minutes for it to end. Same rules otherwise (Identity's lockout options, one shared counter).
/// </summary>
public sealed class DeveloperManager(
    IUserStore<Developer> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<Developer> passwordHasher,
    IEnumerable<IUserValidator<Developer>> userValidators,
    IEnumerable<IPasswordValidator<Developer>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<Developer>> logger,
    TimeProvider clock)
    : UserManager<Developer>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    public override async Task<bool> IsLockedOutAsync(Developer user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await GetLockoutEnabledAsync(user) && await GetLockoutEndDateAsync(user) is { } end && end >= clock.GetUtcNow();
    }

    public override async Task<IdentityResult> AccessFailedAsync(Developer user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var lockout = Store as IUserLockoutStore<Developer> ?? throw new NotSupportedException("The user store does not support lockout.");
        var count = await lockout.IncrementAccessFailedCountAsync(user, CancellationToken);
        if (count >= Options.Lockout.MaxFailedAccessAttempts)
        {
            await lockout.SetLockoutEndDateAsync(user, clock.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan), CancellationToken);
            await lockout.ResetAccessFailedCountAsync(user, CancellationToken);
        }

        return await UpdateUserAsync(user);
    }
}
