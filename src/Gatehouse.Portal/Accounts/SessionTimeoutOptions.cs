using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// Bound from <c>Portal:Sessions</c>. Both limits are enforced on the server-side session row
/// (<see cref="DeveloperSessions.ValidatePrincipalAsync"/>), not only by the cookie (ASVS 5.0 7.3.1
/// inactivity timeout, 7.3.2 absolute lifetime; docs/security-checklist.md SE4; ADR 0011).
/// </summary>
public sealed class SessionTimeoutOptions : IValidatableObject
{
    public const string SectionName = "Portal:Sessions";

    /// <summary>A session unused for this long is ended; the next request goes to sign-in. Default 30 minutes.</summary>
    [Range(1, 24 * 60)]
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>A session ends this long after sign-in, however active. Default 8 hours.</summary>
    [Range(1, 7 * 24)]
    public int AbsoluteTimeoutHours { get; set; } = 8;

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    public TimeSpan AbsoluteTimeout => TimeSpan.FromHours(AbsoluteTimeoutHours);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IdleTimeout > AbsoluteTimeout)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(IdleTimeoutMinutes)} must not exceed {nameof(AbsoluteTimeoutHours)}.",
                [nameof(IdleTimeoutMinutes)]);
        }
    }
}
