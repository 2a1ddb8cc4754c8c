using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// Per-environment authorization server policy, bound from <c>Environments:{key}:Authorization</c>.
/// </summary>
public sealed class AuthorizationServerOptions
{
    public const string SectionName = "Authorization";

    /// <summary>
    /// How long a rotated refresh token may be presented again (a client retrying after a lost
    /// response) before reuse counts as theft and revokes the family (ADR 0009). Only the immediate
    /// predecessor of the newest token qualifies.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RefreshTokenRetryGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Class users must complete TOTP at login. Null: required in Production, optional in PIE.</summary>
    public bool? RequireMfa { get; set; }
}
