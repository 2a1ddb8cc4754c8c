using System.Globalization;
using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Funds;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary><c>report-data/accounting-reports</c>: the trial balance (docs/class-api-notes.md §3.4).</summary>
public static class ReportDataEndpoints
{
    private static readonly string[] GroupOrder = ["Income", "Expenses", "Assets", "Liabilities", "Member Entitlements"];

    public static RouteGroupBuilder MapReportData(this RouteGroupBuilder api)
    {
        api.MapGet("/f/{businessCode}/{fundCode}/report-data/accounting-reports/trial-balance-details", TrialBalanceAsync)
            .Requires(ClassScopes.FundRead).WithSummary("Trial balance at a date (atDate, YYYY-MM-DD)").Produces<ClassResponse<TrialBalanceDetails>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<IResult> TrialBalanceAsync(
        string businessCode, string fundCode, [FromQuery] string? atDate, HttpContext http, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return ClassResults.NotFound();
        }

        if (!DateOnly.TryParseExact(atDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return ClassResults.BadRequest("atDate is required, as YYYY-MM-DD.");
        }

        var ledgers = await db.LedgerAccounts.AsNoTracking().Where(l => l.FundId == f.Fund.Id).ToListAsync(cancellationToken);
        var lines = await db.JournalLines.AsNoTracking().Where(l => l.FundId == f.Fund.Id && l.Date <= at)
            .Select(l => new JournalAmount(l.LedgerAccountId, l.Date, l.Amount)).ToListAsync(cancellationToken);
        return ClassResults.Ok(TrialBalance(f.Fund, ledgers, lines, at));
    }

    public sealed record JournalAmount(Guid LedgerAccountId, DateOnly Date, decimal Amount);

    /// <summary>The trial balance of a fund at <paramref name="at"/> (also builds the OpenAPI example from generated data).</summary>
    public static TrialBalanceDetails TrialBalance(Fund fund, IReadOnlyList<LedgerAccount> ledgers, IReadOnlyList<JournalAmount> allLines, DateOnly at)
    {
        var lines = allLines.Where(l => l.Date <= at).ToList();

        // Income and expenses run from the start of the financial year (1 July); earlier years were
        // allocated to members at their 30 June, so dropping them keeps debits equal to credits.
        var previousYearEnd = new DateOnly(at.Month > 6 ? at.Year : at.Year - 1, 6, 30);
        var twoYearsEnd = previousYearEnd.AddYears(-1);
        decimal Balance(Guid ledger, string group, DateOnly to, DateOnly yearEnd) => lines
            .Where(l => l.LedgerAccountId == ledger && l.Date <= to && (!IsProfitAndLoss(group) || l.Date > yearEnd))
            .Sum(l => l.Amount);

        var groups = ledgers
            .GroupBy(l => l.Group)
            .OrderBy(g => Array.IndexOf(GroupOrder, g.Key))
            .Select(g =>
            {
                var accounts = g.OrderBy(l => l.SortOrder).ThenBy(l => l.Code, StringComparer.Ordinal)
                    .Select(l => new AccountBalanceDetails(
                        l.Id.ToString(), $"{l.Code} {l.Name}", 1,
                        Amount(Balance(l.Id, g.Key, at, previousYearEnd), summary: false),
                        Amount(Balance(l.Id, g.Key, previousYearEnd, twoYearsEnd), summary: false),
                        HasChildWithQuantity: false))
                    .Where(a => a.CurrentBalance.AccountBalance != 0 || a.PreviousBalance.AccountBalance != 0)
                    .ToList();
                return new AccountBalanceGroup(g.Key, accounts);
            })
            .ToList();

        return new TrialBalanceDetails(
            fund.Name,
            fund.Code,
            at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            PeriodUpdateRun: fund.LastPeriodUpdateEndDate is { } updated && DateOnly.FromDateTime(updated.UtcDateTime) >= at,
            PriorYearNotOnSystem: fund.OnSystemDate is not { } onSystem || onSystem > previousYearEnd,
            groups);
    }

    private static bool IsProfitAndLoss(string group) => group is "Income" or "Expenses";

    /// <summary>Signed debit-positive amounts become Class's magnitude plus DebitCreditIndicator.</summary>
    private static TrialBalanceAmount Amount(decimal signed, bool summary) =>
        new(0, null, false, Math.Abs(signed), signed > 0 ? "Debit" : signed < 0 ? "Credit" : "Undefined", summary);
}
