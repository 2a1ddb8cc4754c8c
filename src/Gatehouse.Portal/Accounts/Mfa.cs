using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using OtpNet;
using QRCoder;

namespace Gatehouse.Portal.Accounts;

public enum MfaCheck
{
    Accepted,
    Wrong,
    Reused,
    RecoveryCodeUsed,
}

/// <summary>
/// TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with Otp.NET instead of Identity's authenticator provider,
/// so a code is accepted once: the accepted time step is stored and a code of that step or an earlier
/// one is refused (ASVS 6.5.1, SECURITY.md MF2). One step either side is allowed for clock drift.
/// Wrong codes count on the same lockout counter as wrong passwords (MF3).
/// </summary>
public sealed class Mfa(UserManager<Developer> users, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    private const string Issuer = "Class API Developer Portal";
    private const string RecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    public static string AuthenticatorUri(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    /// <summary>A PNG QR code as a data: URI (the CSP allows img-src data:; no script, no System.Drawing).</summary>
    public static string QrCodeDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>The developer's pending or active key, creating one if there is none.</summary>
    public async Task<string> KeyAsync(Developer developer)
    {
        var key = await users.GetAuthenticatorKeyAsync(developer);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(developer);
            key = await users.GetAuthenticatorKeyAsync(developer);
        }

        return key!;
    }

    /// <summary>Checks a TOTP code (and, when <paramref name="allowRecoveryCode"/>, a recovery code); on success the step or code is used up.</summary>
    public async Task<MfaCheck> CheckAsync(Developer developer, string? code, bool allowRecoveryCode)
    {
        var typed = new string([.. (code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-')]);
        var key = await users.GetAuthenticatorKeyAsync(developer);
        if (typed.Length == 6 && typed.All(char.IsAsciiDigit) && !string.IsNullOrEmpty(key))
        {
            var totp = new Totp(Base32Encoding.ToBytes(key));
            if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, typed, out var step, new VerificationWindow(previous: 1, future: 1)))
            {
                return MfaCheck.Wrong;
            }

            if (developer.LastTotpTimeStep is { } last && step <= last)
            {
                return MfaCheck.Reused;
            }

            developer.LastTotpTimeStep = step;
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
