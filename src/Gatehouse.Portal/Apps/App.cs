using Gatehouse.Portal.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Portal.Apps;

/// <summary>
/// A developer app in one environment: the desired state of an OAuth client, plus how far the
/// environment has caught up with it. Only the secret's hash and a hint are ever stored.
/// </summary>
public sealed class App
{
    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public required string ContactEmail { get; set; }

    /// <summary>Key under <c>Environments</c>: "pie", "production".</summary>
    public required string EnvironmentKey { get; set; }

    /// <summary><see cref="Gatehouse.Hosting.Contracts.AppTypes"/>.</summary>
    public required string AppType { get; set; }

    public Guid ClientId { get; set; }

    /// <summary>An https URL of the logo the consent screen shows; optional.</summary>
    public string? LogoUrl { get; set; }

    /// <summary>A PIE app is Active at once; a Production app waits for a platform admin.</summary>
    public AppStatus Status { get; set; }

    /// <summary>When the developer submitted the Production checklist; null when not (or no longer) requested.</summary>
    public DateTimeOffset? ProductionRequestedAt { get; set; }

    /// <summary>The developer's answers to the Production checklist, as submitted.</summary>
    public string? ProductionChecklist { get; set; }

    /// <summary>Why a platform admin rejected the last request or suspended the app; shown to the developer.</summary>
    public string? ReviewNote { get; set; }

    /// <summary>
    /// Set when the developer deletes the app: the row stays (a tombstone) until the environment has
    /// deleted the client, so a delete while the environment is down is not lost.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; set; }

    public List<AppSecret> Secrets { get; set; } = [];

    public List<AppRedirectUri> RedirectUris { get; set; } = [];

    /// <summary>Codes of the selected API products.</summary>
    public List<string> ProductCodes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public Guid CreatedBy { get; set; }

    /// <summary>
    /// Bumped on every change of desired state. A push only marks the app Synced if the revision it
    /// pushed is still current, so a save during a push is never reported as synced.
    /// </summary>
    public int Revision { get; set; }

    public SyncState SyncState { get; set; }

    /// <summary>Why the last push failed; shown as "Sync failed: …" once <see cref="SyncState"/> is Failed.</summary>
    public string? LastSyncError { get; set; }

    /// <summary>Failed pushes of the current revision in a row (an environment that could not be reached or answered in error).</summary>
    public int SyncAttempts { get; set; }

    /// <summary>When the provisioning worker may try the current revision again (backoff); null: at its next pass.</summary>
    public DateTimeOffset? NextSyncAt { get; set; }

    public DateTimeOffset? LastSyncedAt { get; set; }
}

public enum AppStatus
{
    Active,
    PendingApproval,
    Suspended,
}

public enum SyncState
{
    Pending,
    Synced,
    Failed,
}

internal sealed class AppConfiguration : IEntityTypeConfiguration<App>
{
    public void Configure(EntityTypeBuilder<App> builder)
    {
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.OrganisationId);
        builder.HasIndex(a => a.ClientId).IsUnique();
        builder.HasIndex(a => a.SyncState);
        builder.Property(a => a.Name).HasMaxLength(100);
        builder.Property(a => a.Description).HasMaxLength(1000);
        builder.Property(a => a.ContactEmail).HasMaxLength(320);
        builder.Property(a => a.EnvironmentKey).HasMaxLength(50);
        builder.Property(a => a.AppType).HasMaxLength(20);
        builder.Property(a => a.LogoUrl).HasMaxLength(2000);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.ProductionChecklist).HasMaxLength(2000);
        builder.Property(a => a.ReviewNote).HasMaxLength(1000);
        builder.HasIndex(a => a.Status);
        builder.HasMany(a => a.Secrets).WithOne().HasForeignKey(s => s.AppId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.RedirectUris).WithOne().HasForeignKey(r => r.AppId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.SyncState).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.LastSyncError).HasMaxLength(1000);
        builder.Property(a => a.Revision).IsConcurrencyToken();
    }
}
