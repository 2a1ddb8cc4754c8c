using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary><c>fund-data</c> operations (docs/class-api-notes.md §3.1, §3.2).</summary>
public static class FundDataEndpoints
{
    public static RouteGroupBuilder MapFundData(this RouteGroupBuilder api)
    {
        api.MapGet("/b/{businessCode}/fund-data/fund-list", FundListAsync)
            .Requires(ClassScopes.BusinessFundList)
            .WithSummary("List the business's funds")
            .Produces<ClassResponse<FundListDetail[]>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest);
        api.MapGet("/f/{businessCode}/{fundCode}/fund-data/fund-detail", FundDetailAsync)
            .Requires(ClassScopes.FundDetailsRead)
            .WithSummary("Read a fund's details")
            .Produces<ClassResponse<FundDetail>>();

        // Changing a fund's registered details is accountable to a person: no app-only tokens (ADR 0010).
        api.MapPost("/f/{businessCode}/{fundCode}/fund-data/fund-detail", UpdateFundDetailAsync)
            .Requires(ClassScopes.FundDetailsMaintain, allowsClientCredentials: false)
            .WithSummary("Maintain a fund's details")
            .Accepts<FundDetail>("application/json")
            .Produces<ClassResponse<FundDetail>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest)
            .Produces<ClassEnvelope>(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static async Task<IResult> FundListAsync(
        string businessCode,
        HttpContext http,
        EnvironmentDbContext db,
        EnvironmentEndpoint environment,
        [FromQuery] string? statusCode,
        [FromQuery] string? search,
        [FromQuery(Name = "ABN")] string? abn,
        [FromQuery] string? legalEntityType,
        [FromQuery] string? fundTags,
        CancellationToken cancellationToken)
    {
        var business = await http.FindBusinessAsync(db, businessCode, cancellationToken);
        if (business is null)
        {
            return ClassResults.NotFound();
        }

        var errors = new List<ClassApiError>();
        if (!string.IsNullOrWhiteSpace(statusCode) && !FundStatus.All.Contains(statusCode, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new(ErrorCodes.Validation, $"statusCode must be one of {string.Join(", ", FundStatus.All)}."));
        }

        if (!string.IsNullOrWhiteSpace(legalEntityType) && !LegalEntityTypes.All.Contains(legalEntityType, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new(ErrorCodes.Validation, $"legalEntityType must be one of {string.Join(", ", LegalEntityTypes.All)}."));
        }

        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        var tags = (fundTags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var funds = (await db.Funds.AsNoTracking().Where(f => f.BusinessId == business.Id).ToListAsync(cancellationToken))
            .Where(f => Matches(f.Status, statusCode) && Matches(f.LegalEntityType, legalEntityType) && Matches(f.Abn, abn?.Replace(" ", "", StringComparison.Ordinal)))
            .Where(f => tags.All(t => f.Tags.Contains(t, StringComparer.OrdinalIgnoreCase)))
            .Where(f => string.IsNullOrWhiteSpace(search)
                || f.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || f.Code.Contains(search, StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Code, StringComparer.Ordinal)
            .Select(f => Summary(f, business, environment.ResolveIssuer()))
            .ToList();

        // The spec declares Data as an array of FundListDetail; we keep that shape (one element, ADR 0010).
        return ClassResults.Ok(new[] { new FundListDetail(funds, funds.Count) });
    }

    private static async Task<IResult> FundDetailAsync(string businessCode, string fundCode, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        var found = await http.FindFundAsync(db, businessCode, fundCode, cancellationToken);
        return found is not { } f ? ClassResults.NotFound() : ClassResults.Ok(Detail(f.Fund, f.Business, environment.ResolveIssuer()));
    }

    private static async Task<IResult> UpdateFundDetailAsync(string businessCode, string fundCode, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, TimeProvider clock, CancellationToken cancellationToken)
    {
        var found = await http.FindFundAsync(db, businessCode, fundCode, cancellationToken, track: true);
        if (found is not { } f)
        {
            return ClassResults.NotFound();
        }

        var (input, readError) = await ClassResults.ReadJsonAsync<FundDetail>(http.Request, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        var brands = await db.Brands.Where(b => b.BusinessId == f.Business.Id).Select(b => b.Name).ToListAsync(cancellationToken);
        var errors = Validate(input!, f.Fund, brands, clock.GetUtcNow().UtcDateTime);
        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        var d = input!.FundDetails!;
        var fund = f.Fund;
        fund.Name = d.Name!.Trim();
        fund.PreviousName = d.PreviousName?.Trim() ?? fund.PreviousName;
        fund.Abn = d.Abn is null ? fund.Abn : d.Abn.Replace(" ", "", StringComparison.Ordinal);
        fund.Tfn = d.Tfn is null ? fund.Tfn : d.Tfn.Replace(" ", "", StringComparison.Ordinal);
        fund.BrandName = string.IsNullOrWhiteSpace(d.Brand) ? fund.BrandName : brands.First(b => string.Equals(b, d.Brand.Trim(), StringComparison.OrdinalIgnoreCase));
        fund.Tags = d.Tags is null ? fund.Tags : [.. d.Tags.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
        fund.LegalEntityType = string.IsNullOrWhiteSpace(d.LegalType) ? fund.LegalEntityType : LegalEntityTypes.All.First(t => string.Equals(t, d.LegalType, StringComparison.OrdinalIgnoreCase));
        fund.Status = string.IsNullOrWhiteSpace(input.Status) ? fund.Status : FundStatus.All.First(s => string.Equals(s, input.Status, StringComparison.OrdinalIgnoreCase));
        fund.EstablishmentDeedDate = d.EstablishmentDeedDate is { } deed ? DateOnly.FromDateTime(deed) : fund.EstablishmentDeedDate;
        fund.FundStartDate = d.FundStartDate is { } start ? DateOnly.FromDateTime(start) : fund.FundStartDate;
        fund.IsResident = d.IsResident;
        if (input.ContactDetails is { } contact)
        {
            fund.Phone = contact.Phone?.Trim() ?? fund.Phone;
            fund.Url = contact.Url?.Trim() ?? fund.Url;
        }

        await db.SaveChangesAsync(cancellationToken);

        // The spec declares AllFundsList[] here; echoing the stored FundDetail is more useful (ADR 0010).
        return ClassResults.Ok(Detail(fund, f.Business, environment.ResolveIssuer()));
    }

    private static List<ClassApiError> Validate(FundDetail input, Fund fund, IReadOnlyList<string> brands, DateTime now)
    {
        var errors = new List<ClassApiError>();
        void Add(string message) => errors.Add(new ClassApiError(ErrorCodes.Validation, message));

        if (input.FundDetails is not { } d)
        {
            Add("FundDetails is required.");
            return errors;
        }

        if (string.IsNullOrWhiteSpace(d.Name))
        {
            Add("FundDetails.Name is required.");
        }
        else if (d.Name.Trim().Length > 200)
        {
            Add("FundDetails.Name must be at most 200 characters.");
        }

        if (d.PreviousName is { Length: > 200 })
        {
            Add("FundDetails.PreviousName must be at most 200 characters.");
        }

        if (d.Code is not null && !string.Equals(d.Code, fund.Code, StringComparison.Ordinal))
        {
            Add("FundDetails.Code cannot be changed; it must match the fund code in the path.");
        }

        if (!string.IsNullOrEmpty(d.Abn) && !SandboxGenerator.IsValidAbn(d.Abn.Replace(" ", "", StringComparison.Ordinal)))
        {
            Add("FundDetails.Abn is not a valid ABN (11 digits with the ATO check digits).");
        }

        if (!string.IsNullOrEmpty(d.Tfn) && !SandboxGenerator.IsValidTfn(d.Tfn.Replace(" ", "", StringComparison.Ordinal)))
        {
            Add("FundDetails.Tfn is not a valid TFN (9 digits passing the ATO check).");
        }

        if (!string.IsNullOrWhiteSpace(d.LegalType) && !LegalEntityTypes.All.Contains(d.LegalType, StringComparer.OrdinalIgnoreCase))
        {
            Add($"FundDetails.LegalType must be one of {string.Join(", ", LegalEntityTypes.All)}.");
        }

        if (!string.IsNullOrWhiteSpace(input.Status) && !FundStatus.All.Contains(input.Status, StringComparer.OrdinalIgnoreCase))
        {
            Add($"Status must be one of {string.Join(", ", FundStatus.All)}.");
        }

        if (!string.IsNullOrWhiteSpace(d.Brand) && !brands.Contains(d.Brand.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            Add("FundDetails.Brand must be one of the business's brands (see business-data/brand-list).");
        }

        if (d.Tags is { } tags && (tags.Count > 20 || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 50)))
        {
            Add("FundDetails.Tags: at most 20 tags, each 1 to 50 characters.");
        }

        if (d.EstablishmentDeedDate is { } deed && (deed.Year < 1900 || deed > now.AddDays(1)))
        {
            Add("FundDetails.EstablishmentDeedDate must be between 1900 and today.");
        }

        if (d.FundStartDate is { } start && d.EstablishmentDeedDate is { } deedDate && start < deedDate)
        {
            Add("FundDetails.FundStartDate cannot be before the EstablishmentDeedDate.");
        }

        if (input.ContactDetails is { } c && (c.Phone is { Length: > 32 } || c.Url is { Length: > 200 }))
        {
            Add("ContactDetails: Phone at most 32 characters, Url at most 200.");
        }

        return errors;
    }

    private static bool Matches(string value, string? filter) =>
        string.IsNullOrWhiteSpace(filter) || string.Equals(value, filter, StringComparison.OrdinalIgnoreCase);

    private static DateTime? Date(DateOnly? date) => date?.ToDateTime(TimeOnly.MinValue);

    public static FundDetail Detail(Fund fund, Business business, Uri baseUri) => new(
        FundLink(fund, business, baseUri),
        fund.Status,
        new FundBasicDetail(
            fund.BrandName, fund.Code, fund.Name, fund.PreviousName, fund.Abn, fund.Tfn, "", "", "", "", "",
            fund.Tags, Date(fund.EstablishmentDeedDate), null, Date(fund.FundStartDate), Date(fund.OnSystemDate), null, null, null,
            fund.LegalEntityType, fund.IsResident, IsNonSuper: false),
        new FundContactDetails(fund.Phone, fund.Url));

    // Links are built from the configured issuer, never the request's Host header.
    public static ApiRestLink FundLink(Fund fund, Business business, Uri baseUri) =>
        new(fund.Id.ToString(), new Uri(baseUri, $"api/1.0/f/{business.Code}/{fund.Code}/fund-data/fund-detail").AbsoluteUri);

    public static FundSummary Summary(Fund fund, Business business, Uri baseUri) => new(
        FundLink(fund, business, baseUri),
        fund.Status,
        fund.Code,
        fund.Name,
        fund.BrandName,
        fund.Abn,
        fund.Tags,
        fund.SummaryIsValid,
        fund.LastPeriodUpdateEndDate,
        fund.ProcessedToDate,
        fund.LegalEntityType);
}
