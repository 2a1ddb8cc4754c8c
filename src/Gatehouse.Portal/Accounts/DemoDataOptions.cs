using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Portal.Accounts;

/// <summary>Bound from <c>Portal:DemoData</c>: a ready-made verified developer for local runs.</summary>
public sealed class DemoDataOptions : IValidatableObject
{
    public const string SectionName = "Portal:DemoData";

    public bool Enabled { get; set; }

    [EmailAddress]
    public string Email { get; set; } = "demo@acme-advisers.com.au";

    // Only used when Enabled, which only the Development settings turn on; printed in the banner.
    public string Password { get; set; } = "class-api-demo-2025";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && Password.Length < AccountRules.MinimumPasswordLength)
        {
            yield return new ValidationResult($"Portal:DemoData:Password must have at least {AccountRules.MinimumPasswordLength} characters.", [nameof(Password)]);
        }
    }
}
