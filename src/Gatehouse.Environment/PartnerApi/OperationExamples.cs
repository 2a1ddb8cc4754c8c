using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Dms;
using Gatehouse.Environment.Funds;
using Gatehouse.Environment.Sandbox;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>
/// The OpenAPI documents' examples, one per operation and answer. They are not written by hand: the
/// successes are the sandbox's own data (<see cref="SandboxGenerator"/> for a fixed example
/// organisation, "Acme Advisers") passed through the same mapping functions the handlers use, so an
/// example has exactly the shape of a real answer (OpenApiExampleTests compares them with real calls).
/// Errors carry the codes and messages the handlers send.
/// </summary>
public static class OperationExamples
{
    /// <summary>The example organisation; its sandbox business code is <see cref="SandboxGenerator.BusinessCode"/> of it.</summary>
    public static readonly Guid Organisation = new("0f8fad5b-d9cb-469f-a165-70867728950e");

    public const string OrganisationName = "Acme Advisers";

    private static readonly Lazy<SandboxData> Data = new(() => SandboxGenerator.Generate(Organisation, OrganisationName));

    /// <summary>"METHOD /template" (relative to /api/1.0) → 400 message, for the operations that validate input.</summary>
    public static readonly IReadOnlyDictionary<string, ClassApiError> BadRequests = new Dictionary<string, ClassApiError>(StringComparer.Ordinal)
    {
        ["GET /b/{businessCode}/fund-data/fund-list"] = new(ErrorCodes.Validation, "statusCode must be one of Active, Cancelled, Pending, Suspended."),
        ["POST /f/{businessCode}/{fundCode}/fund-data/fund-detail"] = new(ErrorCodes.Validation, "FundDetails.Abn is not a valid ABN (11 digits with the ATO check digits)."),
        ["POST /f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}"] = new(ErrorCodes.Validation, "PersonalDetails.Gender must be one of Male, Female, Other, NotStated."),
        ["GET /f/{businessCode}/{fundCode}/member-data/find-member-accounts/{query}"] = new(ErrorCodes.Validation, "The query must be one of All, ActiveOnly, Default (EffectiveStatuses)."),
        ["GET /f/{businessCode}/{fundCode}/report-data/accounting-reports/trial-balance-details"] = new(ErrorCodes.Validation, "atDate is required, as YYYY-MM-DD."),
        ["GET /f/{businessCode}/{fundCode}/dms/documents"] = new(ErrorCodes.Validation, "from must be a date as YYYY-MM-DD."),
        ["POST /f/{businessCode}/{fundCode}/dms/documents"] = new(ErrorCodes.Validation, "Send exactly one file, in a part named 'file'."),
        ["PUT /f/{businessCode}/{fundCode}/dms/documents/{documentId}/tags"] = new(ErrorCodes.Validation, "Tags is required (an empty array removes all tags)."),
    };

    public static string BusinessCode => SandboxGenerator.BusinessCode(Organisation);

    private static Business Business => new() { Id = Organisation, Code = BusinessCode, Name = $"{OrganisationName} Sandbox", IsSandbox = true };

    private static Fund Fund => Data.Value.Funds[0];

    /// <summary>The success body (the envelope, or StandardApiResponse, or the file's first bytes) of an operation; null if none is known.</summary>
    public static JsonNode? Success(string key, Uri baseUri)
    {
        var data = Data.Value;
        var business = Business;
        var fund = Fund;
        var members = data.Members.Where(m => m.FundId == fund.Id).OrderBy(m => m.Number, StringComparer.Ordinal).ToList();
        var member = members[0];
        var document = data.Documents.Where(d => d.FundId == fund.Id).OrderBy(d => d.FileName, StringComparer.Ordinal).First();
        return key switch
        {
            "GET /b/{businessCode}/fund-data/fund-list" => Envelope(new[]
            {
                new FundListDetail([.. data.Funds.OrderBy(f => f.Code, StringComparer.Ordinal).Select(f => FundDataEndpoints.Summary(f, business, baseUri))], data.Funds.Count),
            }),
            "GET /f/{businessCode}/{fundCode}/fund-data/fund-detail" => Envelope(FundDataEndpoints.Detail(fund, business, baseUri)),
            "POST /f/{businessCode}/{fundCode}/fund-data/fund-detail" => Envelope(FundDataEndpoints.Detail(Renamed(fund), business, baseUri)),
            "GET /f/{businessCode}/{fundCode}/member-data/member-list" => Envelope(new[]
            {
                new MemberSummaryList([.. members.Select(m => new MemberSummary(MemberDataEndpoints.Link(m, business, fund, baseUri), m.Status, m.DisplayName, m.Number))]),
            }),
            "GET /f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}" => Envelope(MemberDetail(member, business, fund, baseUri)),
            "POST /f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}" => Standard(),
            "GET /f/{businessCode}/{fundCode}/member-data/find-member-accounts/{query}" => Envelope(MemberDataEndpoints.Accounts(
                "All", members, [.. data.MemberAccounts.Where(a => a.FundId == fund.Id)],
                MemberDataEndpoints.Balances(data.LedgerAccounts.Where(l => l.FundId == fund.Id), data.JournalLines.Where(l => l.FundId == fund.Id).Select(l => (l.LedgerAccountId, l.Amount))))),
            "GET /f/{businessCode}/{fundCode}/report-data/accounting-reports/trial-balance-details" => Envelope(ReportDataEndpoints.TrialBalance(
                fund, [.. data.LedgerAccounts.Where(l => l.FundId == fund.Id)],
                [.. data.JournalLines.Where(l => l.FundId == fund.Id).Select(l => new ReportDataEndpoints.JournalAmount(l.LedgerAccountId, l.Date, l.Amount))],
                SandboxGenerator.YearEnd)),
            "GET /b/{businessCode}/business-data/contacts" => Envelope(BusinessDataEndpoints.Contacts(business, data.Funds, data.Contacts, baseUri)),
            "GET /b/{businessCode}/business-data/brand-list" => Envelope(new[]
            {
                new BrandListDetail([.. data.Brands.OrderBy(b => b.Code, StringComparer.Ordinal).Select(b => new BrandSummary(b.Code, b.Name, b.CanWrite))]),
            }),
            "GET /f/{businessCode}/{fundCode}/dms/documents" => Envelope(data.Documents.Where(d => d.FundId == fund.Id)
                .OrderByDescending(d => d.UploadedAtUnixMs).ThenBy(d => d.FileName, StringComparer.Ordinal)
                .Select(d => DmsEndpoints.Metadata(d, business.Code, fund.Code, baseUri)).ToList()),
            "POST /f/{businessCode}/{fundCode}/dms/documents" => Uploaded(business, fund, baseUri),
            "GET /f/{businessCode}/{fundCode}/dms/documents/{documentId}" => Envelope(DmsEndpoints.Metadata(document, business.Code, fund.Code, baseUri)),
            "GET /f/{businessCode}/{fundCode}/dms/documents/{documentId}/content" =>
                JsonValue.Create("%PDF-1.4 … (the document's bytes, exactly as uploaded; Content-Type is the document's type)"),
            "PUT /f/{businessCode}/{fundCode}/dms/documents/{documentId}/tags" => Envelope(DmsEndpoints.Metadata(Retagged(document), business.Code, fund.Code, baseUri)),
            "DELETE /f/{businessCode}/{fundCode}/dms/documents/{documentId}" => Standard(),
            _ => null,
        };
    }

    /// <summary>The request body of an operation that takes one; null otherwise.</summary>
    public static JsonNode? Request(string key, Uri baseUri) => key switch
    {
        // The fund as read, renamed: a client sends back what it read, changed.
        "POST /f/{businessCode}/{fundCode}/fund-data/fund-detail" => Node(FundDataEndpoints.Detail(Renamed(Fund), Business, baseUri)),
        "POST /f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}" => Node(MemberDetail(Data.Value.Members.First(m => m.FundId == Fund.Id && m.Number == "M001"), Business, Fund, baseUri)),
        "POST /f/{businessCode}/{fundCode}/dms/documents" => new JsonObject
        {
            ["file"] = "(the file's bytes; its name and type come from the part's Content-Disposition and content)",
            ["tags"] = "Bank statement,FY2025",
        },
        "PUT /f/{businessCode}/{fundCode}/dms/documents/{documentId}/tags" => Node(new DocumentTags(["Trust deed", "Signed"])),
        _ => null,
    };

    /// <summary>The error body for <paramref name="status"/> of an operation; null if the operation does not answer it.</summary>
    public static JsonNode? Error(string key, int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequests.TryGetValue(key, out var error) ? ErrorEnvelope(error) : null,
        StatusCodes.Status401Unauthorized => ErrorEnvelope(new("API_NOT_AUTHORISED", "Not authorised")),
        StatusCodes.Status403Forbidden => ErrorEnvelope(new("FORBIDDEN", "You do not have permission to access this resource.")),
        StatusCodes.Status404NotFound => ErrorEnvelope(new("API_NOT_FOUND", "Resource not available or user does not have access to the fund.")),
        StatusCodes.Status413PayloadTooLarge => ErrorEnvelope(new(ErrorCodes.TooLarge, $"A document may be at most {DmsEndpoints.MaxDocumentBytes / (1024 * 1024)} MiB.")),
        StatusCodes.Status415UnsupportedMediaType => ErrorEnvelope(key.Contains("/dms/documents", StringComparison.Ordinal) && key.StartsWith("POST", StringComparison.Ordinal)
            ? new(ErrorCodes.UnsupportedMediaType, "Executable files are not accepted, whatever their name.")
            : new(ErrorCodes.UnsupportedMediaType, "Send the body as application/json.")),
        StatusCodes.Status429TooManyRequests => ErrorEnvelope(new(ErrorCodes.RateLimited, "Rate limit of 500 calls per minute exceeded; retry after 37 seconds.")),
        _ => null,
    };

    private static MemberDetail MemberDetail(Member member, Business business, Fund fund, Uri baseUri) =>
        MemberDataEndpoints.Detail(member, [.. Data.Value.MemberAccounts.Where(a => a.MemberId == member.Id)], business, fund, baseUri);

    /// <summary>The fund renamed as a maintain call would (on a fresh copy of the generated data, so the other examples keep theirs).</summary>
    private static Fund Renamed(Fund fund)
    {
        var copy = SandboxGenerator.Generate(Organisation, OrganisationName).Funds.Single(f => f.Id == fund.Id);
        copy.PreviousName = fund.Name;
        copy.Name = fund.Name.Replace("Family Super Fund", "Retirement Fund", StringComparison.Ordinal);
        copy.Tags = [.. fund.Tags.Append("Audit due").Distinct(StringComparer.Ordinal)];
        return copy;
    }

    private static Document Retagged(Document document)
    {
        var copy = SandboxGenerator.Generate(Organisation, OrganisationName).Documents.Single(d => d.Id == document.Id);
        copy.Tags = ["Trust deed", "Signed"];
        return copy;
    }

    private static JsonNode Uploaded(Business business, Fund fund, Uri baseUri)
    {
        var uploadedAt = new DateTimeOffset(2025, 7, 14, 23, 5, 12, TimeSpan.Zero);
        var document = new Document
        {
            Id = new Guid("01980b4c-6f2a-7c3e-9d41-5a7be0c2f6d8"),
            FundId = fund.Id,
            FileName = "2025-06 bank statement.csv",
            ContentType = "text/csv",
            Length = 18_422,
            Sha256 = "9f2c6a1e4b7d0835c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4",
            Tags = ["Bank statement", "FY2025"],
            UploadedAt = uploadedAt,
            UploadedAtUnixMs = uploadedAt.ToUnixTimeMilliseconds(),
            SourceApp = "3f1c9a52-8d4e-4b7a-9c2f-1e6d5b4a3c21",
            SourceConnection = "a7d3e9f1-2b4c-4d6e-8f0a-1b2c3d4e5f60",
            SourceUser = "6c2b8e4f-1a3d-4f5b-9e7c-2d1a0b9c8e7f",
            Status = DocumentStatus.Unverified,
        };
        return Node(new ClassEnvelope(DmsEndpoints.Metadata(document, business.Code, fund.Code, baseUri), [], [],
            DmsEndpoints.SelfUrl(document, business.Code, fund.Code, baseUri), true));
    }

    private static JsonNode Envelope(object data) => Node(new ClassEnvelope(data, [], [], "", false));

    private static JsonNode Standard() => Node(new StandardApiResponse([], [], "", false));

    private static JsonNode ErrorEnvelope(ClassApiError error) => Node(new ClassEnvelope(new { }, [error], [error.Code], "", false));

    private static JsonNode Node(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), ClassResults.Json)!;
}
