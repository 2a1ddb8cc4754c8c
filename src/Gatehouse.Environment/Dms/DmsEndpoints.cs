using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Dms;

public sealed record DocumentSource(string App, string? Connection, string? User);

public sealed record DocumentMetadata(
    string Id,
    string FileName,
    string ContentType,
    long Length,
    string Sha256,
    IReadOnlyList<string> Tags,
    DateTimeOffset UploadedAt,
    string Status,
    DocumentSource Source,
    string ContentUrl);

public sealed record DocumentTags(IReadOnlyList<string>? Tags);

/// <summary>The upload's multipart form, for the OpenAPI document only (the handler reads the form itself).</summary>
public sealed record DocumentUpload(
    [property: System.Text.Json.Serialization.JsonPropertyName("file")] IFormFile File,
    [property: System.Text.Json.Serialization.JsonPropertyName("tags")] string? Tags);

/// <summary>
/// DMS (our design: Class publishes no document endpoints, docs/class-api-notes.md §3.6) under
/// <c>/api/1.0/f/{businessCode}/{fundCode}/dms/documents</c>, with its own scopes.
/// </summary>
public static class DmsEndpoints
{
    /// <summary>20 MiB per document.</summary>
    public const long MaxDocumentBytes = 20L * 1024 * 1024;

    /// <summary>
    /// The request may be a little larger than the document (multipart framing, the tags field), so
    /// a 21 MiB file is read and refused with the envelope rather than cut off by Kestrel mid-upload.
    /// </summary>
    public const long MaxRequestBytes = MaxDocumentBytes + (2L * 1024 * 1024);

    private const string Path = "/f/{businessCode}/{fundCode}/dms/documents";

    public static RouteGroupBuilder MapDms(this RouteGroupBuilder api)
    {
        api.MapGet(Path, ListAsync).Requires(ClassScopes.DmsDocumentsRead, product: ClassProducts.Dms)
            .WithSummary("List a fund's documents (filters: tag, from, to as YYYY-MM-DD)").Produces<ClassResponse<DocumentMetadata[]>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest);
        api.MapPost(Path, UploadAsync).Requires(ClassScopes.DmsDocumentsWrite, product: ClassProducts.Dms)
            .WithSummary("Upload a document (multipart/form-data: file, tags; at most 20 MiB)")
            .Accepts<DocumentUpload>("multipart/form-data").Produces<ClassResponse<DocumentMetadata>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest).Produces<ClassEnvelope>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ClassEnvelope>(StatusCodes.Status415UnsupportedMediaType)
            .WithFormOptions(multipartBodyLengthLimit: MaxRequestBytes);
        api.MapGet(Path + "/{documentId}", MetadataAsync).Requires(ClassScopes.DmsDocumentsRead, product: ClassProducts.Dms)
            .WithSummary("A document's metadata").Produces<ClassResponse<DocumentMetadata>>();
        api.MapGet(Path + "/{documentId}/content", DownloadAsync).Requires(ClassScopes.DmsDocumentsRead, product: ClassProducts.Dms)
            .WithSummary("Download a document (streamed, byte-identical to the upload)").Produces<Stream>(StatusCodes.Status200OK, ContentSniffer.MediaTypes[0], [.. ContentSniffer.MediaTypes.Skip(1)]);
        api.MapPut(Path + "/{documentId}/tags", RetagAsync).Requires(ClassScopes.DmsDocumentsWrite, product: ClassProducts.Dms)
            .WithSummary("Replace a document's tags").Accepts<DocumentTags>("application/json").Produces<ClassResponse<DocumentMetadata>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest).Produces<ClassEnvelope>(StatusCodes.Status415UnsupportedMediaType);
        api.MapDelete(Path + "/{documentId}", DeleteAsync).Requires(ClassScopes.DmsDocumentsWrite, product: ClassProducts.Dms)
            .WithSummary("Delete a document").Produces<StandardApiResponse>();
        return api;
    }

    private static async Task<IResult> ListAsync(
        string businessCode, string fundCode, [FromQuery] string? tag, [FromQuery] string? from, [FromQuery] string? to,
        HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return ClassResults.NotFound();
        }

        var errors = new List<ClassApiError>();
        long? fromMs = ParseDay(from, "from", errors), toMs = ParseDay(to, "to", errors);
        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        var query = db.Documents.AsNoTracking().Where(d => d.FundId == f.Fund.Id);
        if (fromMs is { } start)
        {
            query = query.Where(d => d.UploadedAtUnixMs >= start);
        }

        if (toMs is { } end)
        {
            // "to" is inclusive: the whole day.
            var endExclusive = end + (long)TimeSpan.FromDays(1).TotalMilliseconds;
            query = query.Where(d => d.UploadedAtUnixMs < endExclusive);
        }

        var documents = (await query.ToListAsync(cancellationToken))
            .Where(d => string.IsNullOrWhiteSpace(tag) || d.Tags.Contains(tag.Trim(), StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(d => d.UploadedAtUnixMs).ThenBy(d => d.FileName, StringComparer.Ordinal)
            .Select(d => Metadata(d, businessCode, fundCode, environment))
            .ToList();
        return ClassResults.Ok(documents);
    }

    private static long? ParseDay(string? value, string name, List<ClassApiError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        }

        errors.Add(new(ErrorCodes.Validation, $"{name} must be a date as YYYY-MM-DD."));
        return null;
    }

    private static async Task<IResult> UploadAsync(
        string businessCode, string fundCode, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return ClassResults.NotFound();
        }

        // This route only may exceed Kestrel's default body limit a little (see MaxRequestBytes).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxRequestBytes;
        }

        if (!http.Request.HasFormContentType || http.Request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return ClassResults.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Upload as multipart/form-data with a 'file' part.");
        }

        if (http.Request.ContentLength is > MaxRequestBytes)
        {
            return TooLarge();
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ClassResults.BadRequest([new ClassApiError(ErrorCodes.InvalidBody, "The multipart body could not be read.")]);
        }

        var file = form.Files.GetFile("file");
        if (file is null || form.Files.Count != 1)
        {
            return ClassResults.BadRequest("Send exactly one file, in a part named 'file'.");
        }

        if (file.Length > MaxDocumentBytes)
        {
            return TooLarge();
        }

        var fileName = System.IO.Path.GetFileName(file.FileName ?? "").Trim();
        var errors = new List<ClassApiError>();
        if (fileName.Length is 0 or > 255 || fileName.Any(char.IsControl))
        {
            errors.Add(new(ErrorCodes.Validation, "The file needs a name of 1 to 255 characters, without control characters."));
        }

        var tags = ParseTags(form["tags"], errors);
        if (file.Length == 0)
        {
            errors.Add(new(ErrorCodes.Validation, "The file is empty."));
        }

        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        await using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        var (contentType, refusal) = ContentSniffer.Sniff(buffer, fileName);
        if (refusal is not null)
        {
            return ClassResults.Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, refusal);
        }

        var bytes = buffer.ToArray();
        var now = time.GetUtcNow();
        var user = http.User;
        var document = new Document
        {
            Id = Guid.CreateVersion7(now),
            FundId = f.Fund.Id,
            FileName = fileName,
            ContentType = contentType!,
            Length = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Tags = tags,
            UploadedAt = now,
            UploadedAtUnixMs = now.ToUnixTimeMilliseconds(),
            SourceApp = user.ClientId() ?? "",
            SourceConnection = user.GetClaim(Claims.Private.AuthorizationId),
            SourceUser = user.IsAppOnly() ? null : user.GetClaim(Claims.Subject),
            Status = DocumentStatus.Unverified,
        };
        db.Documents.Add(document);
        db.DocumentContents.Add(new DocumentContent { DocumentId = document.Id, Bytes = bytes });
        await db.SaveChangesAsync(cancellationToken);

        var metadata = Metadata(document, businessCode, fundCode, environment);
        return ClassResults.Created(metadata, SelfUrl(document, businessCode, fundCode, environment));
    }

    private static IResult TooLarge() =>
        ClassResults.Error(StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooLarge, $"A document may be at most {MaxDocumentBytes / (1024 * 1024)} MiB.");

    private static List<string> ParseTags(IEnumerable<string?> values, List<ClassApiError> errors)
    {
        var tags = values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tags.Count > 20 || tags.Any(t => t.Length > 50 || t.Any(char.IsControl)))
        {
            errors.Add(new(ErrorCodes.Validation, "Tags: at most 20, each at most 50 characters without control characters."));
        }

        return tags;
    }

    private static async Task<IResult> MetadataAsync(string businessCode, string fundCode, string documentId, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        var document = await FindAsync(http, db, businessCode, fundCode, documentId, track: false, cancellationToken);
        return document is null ? ClassResults.NotFound() : ClassResults.Ok(Metadata(document, businessCode, fundCode, environment));
    }

    /// <summary>
    /// Streams the bytes from the database with a sequential-access reader, so a 20 MiB document is
    /// never held in memory whole (EF would materialise the byte[]).
    /// </summary>
    private static async Task<IResult> DownloadAsync(string businessCode, string fundCode, string documentId, HttpContext http, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        var document = await FindAsync(http, db, businessCode, fundCode, documentId, track: false, cancellationToken);
        if (document is null)
        {
            return ClassResults.NotFound();
        }

        http.Response.ContentLength = document.Length;
        http.Response.Headers.ETag = $"\"{document.Sha256}\"";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(document.FileName);
        http.Response.Headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(async body =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT \"Bytes\" FROM \"DocumentContents\" WHERE \"DocumentId\" = @id";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";

                // EF stores GUIDs as upper-case TEXT on SQLite and as uuid on PostgreSQL.
                parameter.Value = db.Database.IsSqlite() ? document.Id.ToString().ToUpperInvariant() : document.Id;
                command.Parameters.Add(parameter);
                await using DbDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    await using var stream = reader.GetStream(0);
                    await stream.CopyToAsync(body, cancellationToken);
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, document.ContentType);
    }

    private static async Task<IResult> RetagAsync(string businessCode, string fundCode, string documentId, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        var document = await FindAsync(http, db, businessCode, fundCode, documentId, track: true, cancellationToken);
        if (document is null)
        {
            return ClassResults.NotFound();
        }

        var (input, readError) = await ClassResults.ReadJsonAsync<DocumentTags>(http.Request, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        var errors = new List<ClassApiError>();
        if (input!.Tags is null)
        {
            errors.Add(new(ErrorCodes.Validation, "Tags is required (an empty array removes all tags)."));
        }

        var tags = ParseTags(input.Tags ?? [], errors);
        if (input.Tags is { } given && given.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(new(ErrorCodes.Validation, "Tags cannot be blank."));
        }

        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        document.Tags = tags;
        await db.SaveChangesAsync(cancellationToken);
        return ClassResults.Ok(Metadata(document, businessCode, fundCode, environment));
    }

    private static async Task<IResult> DeleteAsync(string businessCode, string fundCode, string documentId, HttpContext http, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        var document = await FindAsync(http, db, businessCode, fundCode, documentId, track: false, cancellationToken);
        if (document is null)
        {
            return ClassResults.NotFound();
        }

        await db.DocumentContents.Where(c => c.DocumentId == document.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Documents.Where(d => d.Id == document.Id).ExecuteDeleteAsync(cancellationToken);
        return ClassResults.Standard();
    }

    private static async Task<Document?> FindAsync(HttpContext http, EnvironmentDbContext db, string businessCode, string fundCode, string documentId, bool track, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(documentId, out var id) || await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return null;
        }

        var documents = track ? db.Documents : db.Documents.AsNoTracking();
        return await documents.SingleOrDefaultAsync(d => d.Id == id && d.FundId == f.Fund.Id, cancellationToken);
    }

    private static string SelfUrl(Document d, string businessCode, string fundCode, EnvironmentEndpoint environment) =>
        SelfUrl(d, businessCode, fundCode, environment.ResolveIssuer());

    public static string SelfUrl(Document d, string businessCode, string fundCode, Uri baseUri) =>
        new Uri(baseUri, $"api/1.0/f/{businessCode}/{fundCode}/dms/documents/{d.Id}").AbsoluteUri;

    private static DocumentMetadata Metadata(Document d, string businessCode, string fundCode, EnvironmentEndpoint environment) =>
        Metadata(d, businessCode, fundCode, environment.ResolveIssuer());

    public static DocumentMetadata Metadata(Document d, string businessCode, string fundCode, Uri baseUri) => new(
        d.Id.ToString(), d.FileName, d.ContentType, d.Length, d.Sha256, d.Tags, d.UploadedAt, d.Status,
        new DocumentSource(d.SourceApp, d.SourceConnection, d.SourceUser),
        SelfUrl(d, businessCode, fundCode, baseUri) + "/content");
}
