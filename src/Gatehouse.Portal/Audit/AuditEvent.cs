using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Audit;

/// <summary>
/// One thing that happened, recorded with who, what, when (UTC), where and the outcome
/// (ASVS 16.2.1, 16.3.x). Rows are only ever inserted: no page or API updates or deletes them.
/// </summary>
public sealed class AuditEvent
{
    public Guid Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The developer who acted, when known (null for anonymous attempts).</summary>
    public Guid? ActorId { get; set; }

    /// <summary>The email as typed or known; encoded on display, never trusted.</summary>
    public string? ActorEmail { get; set; }

    /// <summary>Organisation the event belongs to: its Owners and Admins may read it.</summary>
    public Guid? OrganisationId { get; set; }

    /// <summary>Dotted name, e.g. <c>account.sign_in</c>, <c>app.create</c>, <c>app.secret.rotate</c>.</summary>
    public required string Action { get; set; }

    /// <summary>What it acted on, e.g. <c>app:{id}</c>.</summary>
    public string? Target { get; set; }

    public AuditOutcome Outcome { get; set; }

    public string? IpAddress { get; set; }

    /// <summary>The environment concerned (pie, production), if any.</summary>
    public string? Environment { get; set; }

    /// <summary>Short free text: never a secret, password, code or token.</summary>
    public string? Details { get; set; }
}

public enum AuditOutcome
{
    Success,
    Failure,
    Denied,
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("AuditEvents");
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.ActorEmail).HasMaxLength(320);
        builder.Property(e => e.Target).HasMaxLength(200);
        builder.Property(e => e.IpAddress).HasMaxLength(64);
        builder.Property(e => e.Environment).HasMaxLength(32);
        builder.Property(e => e.Details).HasMaxLength(2000);
        builder.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(e => new { e.OrganisationId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
    }
}
