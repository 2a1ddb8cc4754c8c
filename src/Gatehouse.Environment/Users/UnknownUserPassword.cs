using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Environment.Users;

/// <summary>
/// What an unknown username's password is checked against, so refusing it costs the same hash work as
/// a wrong password and the timing does not tell which accounts exist (ASVS 6.3.8; docs/security-checklist.md PW3).
/// Used by the password grant and the Class user login page.
/// </summary>
public static class UnknownUserPassword
{
    private static string? dummyHash;

    /// <summary>A hash made by the configured hasher (same algorithm and cost) that no password matches in practice.</summary>
    public static string DummyHash(UserManager<ClassUser> users) =>
        dummyHash ??= users.PasswordHasher.HashPassword(new ClassUser(), Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
}
