namespace Gatehouse.Portal.Accounts;

public static class AccountRules
{
    /// <summary>ASVS 6.2.1 asks for at least 8 and recommends 15; 12 with no composition rules (6.2.5).</summary>
    public const int MinimumPasswordLength = 12;

    /// <summary>Long passphrases are welcome (ASVS 6.2.9 asks for at least 64).</summary>
    public const int MaximumPasswordLength = 256;

    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512 (Identity's V3 format).</summary>
    public const int PasswordHashIterations = 600_000;

    public static readonly TimeSpan VerificationLinkLifetime = TimeSpan.FromHours(24);
}
