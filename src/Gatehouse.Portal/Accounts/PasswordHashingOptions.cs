using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// Bound from <c>Portal:PasswordHashing</c>: PBKDF2-HMAC-SHA512 iterations (Identity's V3 format).
/// Configuration can only raise the count above OWASP's 2023 figure; it cannot lower it, so no setting
/// copied from a test or typed by mistake weakens a deployment. Tests lower it in code, through
/// <c>PortalPlane.Build</c>'s service hook (ADR 0011). Stored hashes carry their own count, and
/// Identity re-hashes one made with fewer iterations at the next successful sign-in.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "Portal:PasswordHashing";

    [Range(AccountRules.PasswordHashIterations, 10_000_000, ErrorMessage = "Portal:PasswordHashing:Iterations must be between {1} and {2} (OWASP 2023 minimum for PBKDF2-HMAC-SHA512 is 600,000).")]
    public int Iterations { get; set; } = AccountRules.PasswordHashIterations;
}
