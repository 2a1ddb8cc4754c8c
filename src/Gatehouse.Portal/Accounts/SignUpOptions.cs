namespace Gatehouse.Portal.Accounts;

/// <summary>Bound from <c>Portal:SignUp</c>.</summary>
public sealed class SignUpOptions
{
    public const string SectionName = "Portal:SignUp";

    /// <summary>Email domains that cannot found an organisation (exact match, case-insensitive).</summary>
    public List<string> FreeMailDomains { get; set; } = [];

    /// <summary>When not empty, only these email domains may sign up (exact match, case-insensitive).</summary>
    public List<string> AllowedDomains { get; set; } = [];

    /// <summary>True when the allowlist is set and the domain is not on it.</summary>
    public bool IsNotAllowed(string email)
    {
        var domain = EmailAddresses.DomainOf(email);
        return AllowedDomains.Count > 0 && !AllowedDomains.Any(d => string.Equals(d.Trim(), domain, StringComparison.OrdinalIgnoreCase));
    }

    public bool IsFreeMail(string email)
    {
        var domain = EmailAddresses.DomainOf(email);
        return FreeMailDomains.Any(d => string.Equals(d.Trim(), domain, StringComparison.OrdinalIgnoreCase));
    }
}

public static class EmailAddresses
{
    /// <summary>The part after the last '@', lower-cased; empty when there is none.</summary>
    public static string DomainOf(string email)
    {
        var at = email.LastIndexOf('@');
        return at < 0 ? "" : email[(at + 1)..].Trim().ToLowerInvariant();
    }
}
