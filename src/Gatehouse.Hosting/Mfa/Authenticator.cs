using OtpNet;

namespace Gatehouse.Hosting.Mfa;

public enum TotpOutcome
{
    Accepted,
    Wrong,
    Reused,
}

/// <param name="Step">The accepted time step, to be stored as the last one used; 0 unless <see cref="TotpOutcome.Accepted"/>.</param>
public readonly record struct TotpCheck(TotpOutcome Outcome, long Step);

/// <summary>
/// The one TOTP of both planes (RFC 6238 with Otp.NET: HMAC-SHA-1, 30 s steps, 6 digits), as
/// authenticator apps compute it. A code is single-use: each plane stores the last accepted step of
/// a user and a code of that step or an earlier one is refused (ASVS 6.5.1/6.5.5,
/// docs/security-checklist.md MF2), which Identity's own authenticator provider does not do. One
/// step of clock drift either way is tolerated (RFC 6238 §5.2).
/// </summary>
public static class Authenticator
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>The code an authenticator app shows at <paramref name="at"/> (tests and demos enrol with it).</summary>
    public static string Code(string base32Key, DateTimeOffset at) =>
        new Totp(Secret(base32Key), StepSeconds, OtpHashMode.Sha1, Digits).ComputeTotp(at.UtcDateTime);

    /// <summary>
    /// Checks <paramref name="code"/> (exactly six ASCII digits) against the steps around
    /// <paramref name="now"/>; a step at or before <paramref name="lastAcceptedStep"/> never matches again.
    /// </summary>
    public static TotpCheck Check(string? base32Key, string? code, DateTimeOffset now, long? lastAcceptedStep)
    {
        if (code is not { Length: Digits } || !code.All(char.IsAsciiDigit)
            || string.IsNullOrWhiteSpace(base32Key) || Secret(base32Key) is not { Length: > 0 } secret)
        {
            return new(TotpOutcome.Wrong, 0);
        }

        // RFC 6238 §4: TOTP is HOTP with the time step as the counter; VerifyHotp compares in constant time.
        var hotp = new Hotp(secret, OtpHashMode.Sha1, Digits);
        var current = now.ToUnixTimeSeconds() / StepSeconds;
        var reused = false;
        foreach (var step in (ReadOnlySpan<long>)[current - 1, current, current + 1])
        {
            if (!hotp.VerifyHotp(code, step))
            {
                continue;
            }

            if (lastAcceptedStep is not { } last || step > last)
            {
                return new(TotpOutcome.Accepted, step);
            }

            reused = true;
        }

        return new(reused ? TotpOutcome.Reused : TotpOutcome.Wrong, 0);
    }

    /// <summary>RFC 4648 base32 (the authenticator key format), case-insensitive, padding and spaces ignored; empty when not base32.</summary>
    private static byte[] Secret(string base32Key)
    {
        var key = base32Key.Replace(" ", "", StringComparison.Ordinal).Replace("=", "", StringComparison.Ordinal).ToUpperInvariant();
        return key.Length > 0 && key.All(c => c is >= 'A' and <= 'Z' or >= '2' and <= '7') ? Base32Encoding.ToBytes(key) : [];
    }
}
