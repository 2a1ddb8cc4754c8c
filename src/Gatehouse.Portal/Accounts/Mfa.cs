using System.Security.Cryptography;
using System.Text;
using Gatehouse.Hosting.Mfa;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Portal.Accounts;

public enum MfaCheck
{
    Accepted,
    Wrong,
    Reused,
    RecoveryCodeUsed,
}

/// <summary>
/// Developer MFA: the shared <see cref="Authenticator"/> TOTP instead of Identity's authenticator
/// provider, so a code is accepted once: the accepted time step is stored on the developer
/// (<see cref="Developer.LastTotpTimeStep"/>) and a code of that step or an earlier one is refused
/// (ASVS 6.5.1, docs/security-checklist.md MF2), plus hashed recovery codes. Wrong codes count on
/// the same lockout counter as wrong passwords (MF3).
/// </summary>
public sealed class Mfa(UserManager<Developer> users, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    private const string Issuer = "Class API Developer Portal";
    private const string RecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public static string AuthenticatorUri(string email, string key) => AuthenticatorEnrolment.OtpAuthUri(Issuer, email, key);

    /// <summary>The developer's pending or active key, creating one if there is none.</summary>
    public Task<string> KeyAsync(Developer developer) => users.AuthenticatorKeyAsync(developer);

    /// <summary>Checks a TOTP code (and, when <paramref name="allowRecoveryCode"/>, a recovery code); on success the step or code is used up.</summary>
    public async Task<MfaCheck> CheckAsync(Developer developer, string? code, bool allowRecoveryCode)
    {
        var typed = new string([.. (code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-')]);
        var key = await users.GetAuthenticatorKeyAsync(developer);
        if (typed.Length == Authenticator.Digits && typed.All(char.IsAsciiDigit) && !string.IsNullOrEmpty(key))
        {
            var check = Authenticator.Check(key, typed, clock.GetUtcNow(), developer.LastTotpTimeStep);
            if (check.Outcome != TotpOutcome.Accepted)
            {
                return check.Outcome == TotpOutcome.Reused ? MfaCheck.Reused : MfaCheck.Wrong;
            }

            developer.LastTotpTimeStep = check.Step;
            await users.UpdateAsync(developer);
            return MfaCheck.Accepted;
        }

        if (allowRecoveryCode && developer.RecoveryCodeHashes is { Length: > 0 } stored)
        {
            var hash = Hash(typed.ToLowerInvariant());
            var hashes = stored.Split(';').ToList();
            // Constant-time compare of each stored hash.
            var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(hash)));
            if (match is not null)
            {
                hashes.Remove(match);
                developer.RecoveryCodeHashes = string.Join(';', hashes);
                await users.UpdateAsync(developer);
                return MfaCheck.RecoveryCodeUsed;
            }
        }

        return MfaCheck.Wrong;
    }

    /// <summary>New recovery codes (10 characters from 31 symbols: ~49 bits each, ASVS 6.5.2 asks ≥20); only hashes are kept.</summary>
    public static (IReadOnlyList<string> Codes, string Hashes) NewRecoveryCodes()
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount)
            .Select(_ => RandomNumberGenerator.GetString(RecoveryAlphabet, 10))
            .Select(c => $"{c[..5]}-{c[5..]}")
            .ToList();
        return (codes, string.Join(';', codes.Select(c => Hash(c.Replace("-", "", StringComparison.Ordinal)))));
    }

    public static int RemainingRecoveryCodes(Developer developer) =>
        string.IsNullOrEmpty(developer.RecoveryCodeHashes) ? 0 : developer.RecoveryCodeHashes.Split(';').Length;

    /// <summary>Stored hashed (ASVS 6.5.2); guessing is bounded by the lockout counter that wrong codes feed.</summary>
    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
