using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary><c>fund-data</c> operations (CLASS-API-NOTES §3.1).</summary>
public static class FundDataEndpoints
{
    public static RouteGroupBuilder MapFundData(this RouteGroupBuilder api)
    {
        api.MapGet("/b/{businessCode}/fund-data/fund-list", FundListAsync);
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
        CancellationToken cancellationToken)
    {
        // fund.read covers all fund information (§2.5), so it also lists funds.
        if (!http.User.HasAnyScope(ClassScopes.BusinessFundList, ClassScopes.FundRead))
        {
            return ClassResults.Forbidden();
        }

        // The business predicate is part of the query: a token for another business finds nothing.
        var business = http.User.IsBoundTo(businessCode)
            ? await db.Businesses.AsNoTracking().SingleOrDefaultAsync(b => b.Code == http.User.GetClaim(ClassClaims.BusinessCode), cancellationToken)
            : null;
        if (business is null)
        {
            return ClassResults.NotFound();
        }

        var funds = (await db.Funds.AsNoTracking().Where(f => f.BusinessId == business.Id).ToListAsync(cancellationToken))
            .Where(f => Matches(f.Status, statusCode) && Matches(f.LegalEntityType, legalEntityType) && Matches(f.Abn, abn?.Replace(" ", "", StringComparison.Ordinal)))
            .Where(f => string.IsNullOrWhiteSpace(search)
                || f.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
                || f.Code.Contains(search, StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Code, StringComparer.Ordinal)
            .Select(f => Summary(f, business, environment.ResolveIssuer()))
            .ToList();

        // The spec declares Data as an array of FundListDetail; we keep that shape (one element).
        return ClassResults.Ok(new[] { new FundListDetail(funds, funds.Count) });
    }

    private static bool Matches(string value, string? filter) =>
        string.IsNullOrWhiteSpace(filter) || string.Equals(value, filter, StringComparison.OrdinalIgnoreCase);

    // Links are built from the configured issuer, never the request's Host header.
    private static FundSummary Summary(Fund fund, Business business, Uri baseUri) => new(
        new ApiRestLink(fund.Id.ToString(), new Uri(baseUri, $"api/1.0/f/{business.Code}/{fund.Code}/fund-data/fund-detail").AbsoluteUri),
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

public sealed record FundListDetail(IReadOnlyList<FundSummary> FundSummaries, int TotalCount);

public sealed record ApiRestLink(string Id, string Url);

public sealed record FundSummary(
    ApiRestLink Link,
    string Status,
    string Code,
    string Name,
    string BrandName,
    string ABN,
    IReadOnlyList<string> Tags,
    bool SummaryIsValid,
    DateTimeOffset? LastPeriodUpdateEndDate,
    DateTimeOffset? ProcessedToDate,
    string LegalEntityType);
