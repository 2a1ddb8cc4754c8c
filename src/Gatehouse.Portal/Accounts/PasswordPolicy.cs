using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// ASVS 6.2.4 and 6.2.12: refuse common and breached passwords, and ones built from the account's own
/// email (6.2.11). No composition rules (6.2.5). The list ships inside the assembly: no network call.
/// It is a real breach corpus (the top 1M of the SecLists "10 million passwords", see
/// common-passwords.NOTICE.md and ADR 0011): every entry the length rule would let through, plus the
/// 10,000 most frequent of any length, so "a common password followed by digits or symbols" is refused too.
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<Developer>
{
    public const string CommonPasswordCode = "PasswordCommon";
    public const string ContextPasswordCode = "PasswordContext";

    private static readonly Lazy<HashSet<string>> Common = new(Load);

    private static readonly char[] Appended = [.. "0123456789!@#$%^&*()-_=+.,;:?~`'\"[]{}<>/\\|"];

    /// <summary>How many distinct passwords the shipped list holds.</summary>
    public static int ListedCount => Common.Value.Count;

    /// <summary>
    /// True for a listed password, or a listed one with only digits or symbols appended
    /// ("password123456", "dragon!!!!!!!!"): the commonest way people stretch a short password.
    /// </summary>
    public static bool IsCommon(string password)
    {
        var normalised = Normalise(password);
        if (Common.Value.Contains(normalised))
        {
            return true;
        }

        var stem = normalised.TrimEnd(Appended);
        return stem.Length >= 3 && stem.Length < normalised.Length && Common.Value.Contains(stem);
    }

    public Task<IdentityResult> ValidateAsync(UserManager<Developer> manager, Developer user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        if (IsCommon(password) || password.Distinct().Count() <= 2)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = CommonPasswordCode,
                Description = "This password is too common or has appeared in data breaches: choose another one, for example a few unrelated words.",
            }));
        }

        var email = user.Email ?? user.UserName ?? "";
        var local = email.Split('@')[0];
        var normalised = Normalise(password);
        if ((local.Length >= 5 && normalised.Contains(Normalise(local), StringComparison.Ordinal)) || string.Equals(normalised, Normalise(email), StringComparison.Ordinal))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = ContextPasswordCode,
                Description = "Don't use your email address in your password.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }

    private static string Normalise(string value) => new([.. value.ToLowerInvariant().Where(c => !char.IsWhiteSpace(c))]);

    private static HashSet<string> Load()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("Gatehouse.Portal.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            // No comment lines: real entries may start with '#' (the notice lives beside the file).
            if (line.Length > 0)
            {
                set.Add(Normalise(line));
            }
        }

        return set;
    }
}
