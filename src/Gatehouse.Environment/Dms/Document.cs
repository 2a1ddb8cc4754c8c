using Gatehouse.Environment.Businesses;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Environment.Dms;

/// <summary>A document in a fund's DMS: metadata only; the bytes live in <see cref="DocumentContent"/>.</summary>
public sealed class Document
{
    public Guid Id { get; set; }

    public Guid FundId { get; set; }

    public string FileName { get; set; } = "";

    /// <summary>The media type found by content sniffing, never the one the client claimed.</summary>
    public string ContentType { get; set; } = "";

    public long Length { get; set; }

    /// <summary>Lower-case hex SHA-256 of the bytes, so clients can check a download.</summary>
    public string Sha256 { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public DateTimeOffset UploadedAt { get; set; }

    /// <summary>Unix milliseconds of <see cref="UploadedAt"/>: SQLite cannot compare DateTimeOffset in queries.</summary>
    public long UploadedAtUnixMs { get; set; }

    /// <summary>The app (client id) that uploaded it; "sandbox" for generated documents.</summary>
    public string SourceApp { get; set; } = "";

    /// <summary>The authorization (consent/connection) the token came from, when it had one.</summary>
    public string? SourceConnection { get; set; }

    /// <summary>The user (sub) who uploaded it; null for client-credentials uploads.</summary>
    public string? SourceUser { get; set; }

    /// <summary>Verified (checked by the practice) or Unverified (as uploaded by an app).</summary>
    public string Status { get; set; } = DocumentStatus.Unverified;
}

public static class DocumentStatus
{
    public const string Verified = "Verified";
    public const string Unverified = "Unverified";
}

/// <summary>
/// The bytes of a document, in their own table so that listing and metadata never load them
/// (ADR 0010: bytes in the database, not a files folder).
/// </summary>
public sealed class DocumentContent
{
    public Guid DocumentId { get; set; }

    public byte[] Bytes { get; set; } = [];
}

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.HasOne<Fund>().WithMany().HasForeignKey(d => d.FundId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.FileName).HasMaxLength(255);
        builder.Property(d => d.ContentType).HasMaxLength(128);
        builder.Property(d => d.Sha256).HasMaxLength(64);
        builder.Property(d => d.SourceApp).HasMaxLength(100);
        builder.Property(d => d.SourceConnection).HasMaxLength(100);
        builder.Property(d => d.SourceUser).HasMaxLength(100);
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.HasIndex(d => new { d.FundId, d.UploadedAtUnixMs });
    }
}

internal sealed class DocumentContentConfiguration : IEntityTypeConfiguration<DocumentContent>
{
    public void Configure(EntityTypeBuilder<DocumentContent> builder)
    {
        builder.HasKey(c => c.DocumentId);
        builder.HasOne<Document>().WithOne().HasForeignKey<DocumentContent>(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}
