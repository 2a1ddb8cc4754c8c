using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Funds;
using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary><c>business-data</c>: contacts and brands (docs/class-api-notes.md §3.5).</summary>
public static class BusinessDataEndpoints
{
    public static RouteGroupBuilder MapBusinessData(this RouteGroupBuilder api)
    {
        api.MapGet("/b/{businessCode}/business-data/contacts", ContactsAsync)
            .Requires(ClassScopes.BusinessFundList).WithSummary("The business's contacts").Produces<ClassResponse<ContactDetailsResult>>();
        api.MapGet("/b/{businessCode}/business-data/brand-list", BrandsAsync)
            .Requires(ClassScopes.BusinessFundList).WithSummary("The business's brands").Produces<ClassResponse<BrandListDetail[]>>();
        return api;
    }

    private static async Task<IResult> ContactsAsync(string businessCode, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        if (await http.FindBusinessAsync(db, businessCode, cancellationToken) is not { } business)
        {
            return ClassResults.NotFound();
        }

        var funds = await db.Funds.AsNoTracking().Where(f => f.BusinessId == business.Id).ToListAsync(cancellationToken);
        var contacts = await db.BusinessContacts.AsNoTracking().Where(c => c.BusinessId == business.Id).ToListAsync(cancellationToken);
        return ClassResults.Ok(Contacts(business, funds, contacts, environment.ResolveIssuer()));
    }

    public static ContactDetailsResult Contacts(Business business, IReadOnlyList<Fund> businessFunds, IReadOnlyList<BusinessContact> contacts, Uri baseUri)
    {
        var funds = businessFunds.ToDictionary(f => f.Code);
        var result = contacts.OrderBy(c => c.Type, StringComparer.Ordinal).Select(c =>
        {
            var address = new AddressSummary(c.AddressLine1, "", "", c.PostCode, c.Locality, c.State, "Australia");
            var scopes = c.FundCodes.Where(funds.ContainsKey).Select(code => funds[code])
                .Select(f => new PortfolioScope(f.Id.ToString(), f.Name, f.Code, new PortfolioLink(FundDataEndpoints.FundLink(f, business, baseUri).Url, "fund")))
                .ToList();
            return new PortfolioContactDetails(c.Type, c.Email, c.DirectPhone, c.MobilePhone, c.WorkPhone, "", "", address, address, scopes);
        }).ToList();
        return new ContactDetailsResult(business.Code, business.Name, result);
    }

    private static async Task<IResult> BrandsAsync(string businessCode, HttpContext http, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        if (await http.FindBusinessAsync(db, businessCode, cancellationToken) is not { } business)
        {
            return ClassResults.NotFound();
        }

        var brands = (await db.Brands.AsNoTracking().Where(b => b.BusinessId == business.Id).ToListAsync(cancellationToken))
            .OrderBy(b => b.Code, StringComparer.Ordinal)
            .Select(b => new BrandSummary(b.Code, b.Name, b.CanWrite))
            .ToList();
        return ClassResults.Ok(new[] { new BrandListDetail(brands) });
    }
}
