using System.Globalization;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Mfa;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Environment.Account;

/// <summary>
/// The shared <see cref="Authenticator"/> TOTP as Identity's authenticator provider, accepting each
/// time step at most once per user. Identity's <see cref="AuthenticatorTokenProvider{TUser}"/>
/// accepts a code again and again inside its window; ASVS 6.5.1/6.5.5 (docs/security-checklist.md
/// MF2) want a used code refused. The last accepted step is stored in the user's Identity tokens (no
/// schema change) and written with the user's concurrency stamp, so two requests racing with one code
/// cannot both win.
/// </summary>
public sealed class ReplayProtectedAuthenticatorTokenProvider(TimeProvider time) : IUserTwoFactorTokenProvider<ClassUser>
{
    public const string LoginProvider = "[Gatehouse]";
    public const string LastStepName = "TotpLastAcceptedStep";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ClassUser> manager, ClassUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Codes come from the user's authenticator app, never from us.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ClassUser> manager, ClassUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ClassUser> manager, ClassUser user)
    {
        if (token is not { Length: Authenticator.Digits } || !token.All(char.IsAsciiDigit)
            || await manager.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } key)
        {
            return false;
        }

        long? last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), NumberStyles.Integer, CultureInfo.InvariantCulture, out var stored) ? stored : null;
        var check = Authenticator.Check(key, token, time.GetUtcNow(), last);
        if (check.Outcome != TotpOutcome.Accepted)
        {
            return false;
        }

        // Fails on a concurrency conflict: another request just used a code of this user.
        var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, check.Step.ToString(CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }
}
