using Gatehouse.Environment.Authorization;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Funds;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Hosting.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Environment.PartnerApi;

/// <summary><c>member-data</c> operations (docs/class-api-notes.md §3.3).</summary>
public static class MemberDataEndpoints
{
    private static readonly string[] EffectiveStatuses = ["All", "ActiveOnly", "Default"];
    private static readonly string[] VoiceContactTypes = ["Home", "Mobile", "Work", "Business", "Direct"];
    private static readonly string[] WrittenContactTypes = ["Email", "MailingAddress", "Fax", "PhysicalAddress"];

    public static RouteGroupBuilder MapMemberData(this RouteGroupBuilder api)
    {
        api.MapGet("/f/{businessCode}/{fundCode}/member-data/member-list", MemberListAsync)
            .Requires(ClassScopes.FundMemberRead).WithSummary("List a fund's members").Produces<ClassResponse<MemberSummaryList[]>>();
        api.MapGet("/f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}", MemberDetailAsync)
            .Requires(ClassScopes.FundMemberRead).WithSummary("Read a member's details").Produces<ClassResponse<MemberDetail>>();

        // Personal details of a member change only on a person's say-so: no app-only tokens (ADR 0010).
        api.MapPost("/f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}", UpdateMemberDetailAsync)
            .Requires(ClassScopes.FundMemberMaintain, allowsClientCredentials: false)
            .WithSummary("Maintain a member's details").Accepts<MemberDetail>("application/json").Produces<StandardApiResponse>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest).Produces<ClassEnvelope>(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/f/{businessCode}/{fundCode}/member-data/find-member-accounts/{query}", MemberAccountsAsync)
            .Requires(ClassScopes.FundMemberRead).WithSummary("Member accounts with balances (query: All, ActiveOnly or Default)").Produces<ClassResponse<MemberAccountDetail[]>>()
            .Produces<ClassEnvelope>(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<IResult> MemberListAsync(string businessCode, string fundCode, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return ClassResults.NotFound();
        }

        var members = await db.Members.AsNoTracking().Where(m => m.FundId == f.Fund.Id).ToListAsync(cancellationToken);
        var summaries = members.OrderBy(m => m.Number, StringComparer.Ordinal)
            .Select(m => new MemberSummary(Link(m, f.Business, f.Fund, environment.ResolveIssuer()), m.Status, m.DisplayName, m.Number))
            .ToList();

        // Data is an array of MemberSummaryList as declared (one element), like the fund list (ADR 0010).
        return ClassResults.Ok(new[] { new MemberSummaryList(summaries) });
    }

    private static async Task<IResult> MemberDetailAsync(string businessCode, string fundCode, string memberId, HttpContext http, EnvironmentDbContext db, EnvironmentEndpoint environment, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f || !Guid.TryParse(memberId, out var id))
        {
            return ClassResults.NotFound();
        }

        var member = await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.FundId == f.Fund.Id, cancellationToken);
        if (member is null)
        {
            return ClassResults.NotFound();
        }

        var accounts = await db.MemberAccounts.AsNoTracking().Where(a => a.MemberId == member.Id).ToListAsync(cancellationToken);
        return ClassResults.Ok(Detail(member, accounts, f.Business, f.Fund, environment.ResolveIssuer()));
    }

    private static async Task<IResult> UpdateMemberDetailAsync(string businessCode, string fundCode, string memberId, HttpContext http, EnvironmentDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f || !Guid.TryParse(memberId, out var id))
        {
            return ClassResults.NotFound();
        }

        var member = await db.Members.SingleOrDefaultAsync(m => m.Id == id && m.FundId == f.Fund.Id, cancellationToken);
        if (member is null)
        {
            return ClassResults.NotFound();
        }

        var (input, readError) = await ClassResults.ReadJsonAsync<MemberDetail>(http.Request, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var errors = Validate(input!, today);
        if (errors.Count == 0 && input!.MembersDetails!.Number is { Length: > 0 } number && number != member.Number
            && await db.Members.AnyAsync(m => m.FundId == f.Fund.Id && m.Number == number, cancellationToken))
        {
            errors.Add(new(ErrorCodes.Validation, "MembersDetails.Number is already used by another member of this fund."));
        }

        if (errors.Count > 0)
        {
            return ClassResults.BadRequest(errors);
        }

        var p = input!.PersonalDetails!;
        var d = input.MembersDetails!;
        member.Title = p.Title?.Trim() ?? "";
        member.FirstName = p.FirstName!.Trim();
        member.MiddleNames = p.MiddleNames?.Trim() ?? "";
        member.LastName = p.LastName!.Trim();
        member.PreferredName = p.PreferredName?.Trim() ?? "";
        member.Gender = Genders.All.First(g => string.Equals(g, p.Gender, StringComparison.OrdinalIgnoreCase));
        member.DateOfBirth = p.DateOfBirth is { } dob ? DateOnly.FromDateTime(dob) : member.DateOfBirth;
        member.DateOfDeath = p.DateOfDeathSpecified && p.DateOfDeath is { } dod ? DateOnly.FromDateTime(dod) : null;
        member.Status = string.IsNullOrWhiteSpace(input.Status) ? member.Status : FundStatus.All.First(s => string.Equals(s, input.Status, StringComparison.OrdinalIgnoreCase));
        member.Number = string.IsNullOrWhiteSpace(d.Number) ? member.Number : d.Number.Trim();
        member.JoinFundDate = d.JoinFundDate is { } join ? DateOnly.FromDateTime(join) : member.JoinFundDate;
        member.LeaveFundDate = d.LeaveFundDateSpecified && d.LeaveFundDate is { } leave ? DateOnly.FromDateTime(leave) : null;
        member.EligibleServicePeriodStartDate = d.EligibleServicePeriodStartDateSpecified && d.EligibleServicePeriodStartDate is { } esp
            ? DateOnly.FromDateTime(esp) : member.EligibleServicePeriodStartDate;
        member.AustralianResident = d.AustralianResident;
        member.TaxFileNumber = d.TaxFileNumber?.Replace(" ", "", StringComparison.Ordinal) ?? member.TaxFileNumber;
        if (input.ContactDetails is { } c)
        {
            member.HomePhone = c.HomePhone?.Trim() ?? member.HomePhone;
            member.Mobile = c.Mobile?.Trim() ?? member.Mobile;
        }

        if (input.BeneficiaryDetails is { } b)
        {
            member.BeneficiaryNominationType = b.NominationType?.Trim() ?? member.BeneficiaryNominationType;
            member.BeneficiaryDetails = b.Details?.Trim() ?? member.BeneficiaryDetails;
        }

        await db.SaveChangesAsync(cancellationToken);
        return ClassResults.Standard();
    }

    private static List<ClassApiError> Validate(MemberDetail input, DateOnly today)
    {
        var errors = new List<ClassApiError>();
        void Add(string message) => errors.Add(new ClassApiError(ErrorCodes.Validation, message));

        if (input.PersonalDetails is not { } p)
        {
            Add("PersonalDetails is required.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(p.FirstName) || p.FirstName.Length > 100)
            {
                Add("PersonalDetails.FirstName is required (at most 100 characters).");
            }

            if (string.IsNullOrWhiteSpace(p.LastName) || p.LastName.Length > 100)
            {
                Add("PersonalDetails.LastName is required (at most 100 characters).");
            }

            if (p.Title is { Length: > 16 } || p.MiddleNames is { Length: > 100 } || p.PreferredName is { Length: > 100 })
            {
                Add("PersonalDetails: Title at most 16 characters; MiddleNames and PreferredName at most 100.");
            }

            if (p.Gender is null || !Genders.All.Contains(p.Gender, StringComparer.OrdinalIgnoreCase))
            {
                Add($"PersonalDetails.Gender must be one of {string.Join(", ", Genders.All)}.");
            }

            if (p.DateOfBirth is { } dob && (dob.Year < 1900 || DateOnly.FromDateTime(dob) > today))
            {
                Add("PersonalDetails.DateOfBirth must be between 1900 and today.");
            }

            if (p.DateOfDeathSpecified && (p.DateOfDeath is not { } dod || DateOnly.FromDateTime(dod) > today || (p.DateOfBirth is { } born && dod < born)))
            {
                Add("PersonalDetails.DateOfDeath must be given when DateOfDeathSpecified is true, not in the future and not before the DateOfBirth.");
            }
        }

        if (input.MembersDetails is not { } d)
        {
            Add("MembersDetails is required.");
        }
        else
        {
            if (d.Number is { Length: > 16 })
            {
                Add("MembersDetails.Number must be at most 16 characters.");
            }

            if (!string.IsNullOrEmpty(d.TaxFileNumber) && !SandboxGenerator.IsValidTfn(d.TaxFileNumber.Replace(" ", "", StringComparison.Ordinal)))
            {
                Add("MembersDetails.TaxFileNumber is not a valid TFN (9 digits passing the ATO check).");
            }

            if (d.LeaveFundDateSpecified && (d.LeaveFundDate is not { } leave || (d.JoinFundDate is { } join && leave < join)))
            {
                Add("MembersDetails.LeaveFundDate must be given when LeaveFundDateSpecified is true, and not before JoinFundDate.");
            }
        }

        if (!string.IsNullOrWhiteSpace(input.Status) && !FundStatus.All.Contains(input.Status, StringComparer.OrdinalIgnoreCase))
        {
            Add($"Status must be one of {string.Join(", ", FundStatus.All)}.");
        }

        if (input.ContactDetails is { } c)
        {
            if (c.PreferredVoiceContact is { } voice && !VoiceContactTypes.Contains(voice, StringComparer.OrdinalIgnoreCase))
            {
                Add($"ContactDetails.PreferredVoiceContact must be one of {string.Join(", ", VoiceContactTypes)}.");
            }

            if (c.PreferredWrittenContact is { } written && !WrittenContactTypes.Contains(written, StringComparer.OrdinalIgnoreCase))
            {
                Add($"ContactDetails.PreferredWrittenContact must be one of {string.Join(", ", WrittenContactTypes)}.");
            }

            if (new[] { c.HomePhone, c.WorkPhone, c.Mobile, c.Direct }.Any(n => n is { Length: > 32 }))
            {
                Add("ContactDetails: phone numbers are at most 32 characters.");
            }
        }

        return errors;
    }

    private static async Task<IResult> MemberAccountsAsync(string businessCode, string fundCode, string query, HttpContext http, EnvironmentDbContext db, CancellationToken cancellationToken)
    {
        if (await http.FindFundAsync(db, businessCode, fundCode, cancellationToken) is not { } f)
        {
            return ClassResults.NotFound();
        }

        var statuses = EffectiveStatuses.FirstOrDefault(s => string.Equals(s, query, StringComparison.OrdinalIgnoreCase));
        if (statuses is null)
        {
            return ClassResults.BadRequest($"The query must be one of {string.Join(", ", EffectiveStatuses)} (EffectiveStatuses).");
        }

        var members = await db.Members.AsNoTracking().Where(m => m.FundId == f.Fund.Id).ToListAsync(cancellationToken);
        var accounts = await db.MemberAccounts.AsNoTracking().Where(a => a.FundId == f.Fund.Id).ToListAsync(cancellationToken);
        var ledgers = await db.LedgerAccounts.AsNoTracking().Where(l => l.FundId == f.Fund.Id && l.MemberAccountId != null).ToListAsync(cancellationToken);

        // Summed in memory, not in SQL: SQLite cannot SUM decimals (EF stores them as TEXT).
        var lines = await db.JournalLines.AsNoTracking().Where(l => l.FundId == f.Fund.Id).Select(l => new { l.LedgerAccountId, l.Amount }).ToListAsync(cancellationToken);

        // Declared as one MemberAccount, described as plural: an array (ADR 0010).
        return ClassResults.Ok(Accounts(statuses, members, accounts, Balances(ledgers, lines.Select(l => (l.LedgerAccountId, l.Amount)))));
    }

    /// <summary>The member accounts that <paramref name="statuses"/> selects, with balances, in member-number order.</summary>
    public static List<MemberAccountDetail> Accounts(string statuses, IReadOnlyList<Member> fundMembers, IReadOnlyList<MemberAccount> accounts, IReadOnlyDictionary<Guid, decimal> balances)
    {
        var members = fundMembers.ToDictionary(m => m.Id);

        // Default: what a practice works with day to day (not cancelled); ActiveOnly: Active; All: everything.
        return accounts
            .Where(a => statuses switch
            {
                "ActiveOnly" => a.Status == FundStatus.Active,
                "Default" => a.Status != FundStatus.Cancelled,
                _ => true,
            })
            .OrderBy(a => members[a.MemberId].Number, StringComparer.Ordinal).ThenBy(a => a.Type, StringComparer.Ordinal)
            .Select(a => new MemberAccountDetail(a.Id.ToString(), a.Description, a.Type, balances.GetValueOrDefault(a.Id), a.Status, members[a.MemberId].DisplayName))
            .ToList();
    }

    /// <summary>Each member account's balance: the credit balance of its member entitlement ledger account.</summary>
    public static Dictionary<Guid, decimal> Balances(IEnumerable<LedgerAccount> ledgerAccounts, IEnumerable<(Guid LedgerAccountId, decimal Amount)> lines)
    {
        var ledgers = ledgerAccounts.Where(l => l.MemberAccountId is not null).ToDictionary(l => l.Id, l => l.MemberAccountId!.Value);
        return lines.Where(l => ledgers.ContainsKey(l.LedgerAccountId))
            .GroupBy(l => ledgers[l.LedgerAccountId])
            .ToDictionary(g => g.Key, g => -g.Sum(l => l.Amount));
    }

    private static DateTime? Date(DateOnly? date) => date?.ToDateTime(TimeOnly.MinValue);

    public static ApiRestLink Link(Member member, Business business, Fund fund, Uri baseUri) =>
        new(member.Id.ToString(), new Uri(baseUri, $"api/1.0/f/{business.Code}/{fund.Code}/member-data/member-detail/{member.Id}").AbsoluteUri);

    public static MemberDetail Detail(Member m, IReadOnlyList<MemberAccount> accounts, Business business, Fund fund, Uri baseUri) => new(
        Link(m, business, fund, baseUri),
        m.Status,
        new PersonalDetails(m.Title, m.FirstName, m.MiddleNames, m.LastName, m.Gender, Date(m.DateOfBirth), Date(m.DateOfDeath), m.DateOfDeath is not null,
            $"{m.Title} {m.LastName}".Trim(), m.PreferredName),
        new MembersDetails(m.Number, Date(m.JoinFundDate), Date(m.LeaveFundDate), m.LeaveFundDate is not null,
            Date(m.EligibleServicePeriodStartDate), m.EligibleServicePeriodStartDate is not null, null, false,
            m.AustralianResident, m.TaxFileNumber, ClaimTaxFreeThreshold: false, null, null, null, FloodLevyExempt: false, ""),
        new MemberContactDetails("Mobile", "Email", m.HomePhone, "", m.Mobile, "",
            new InvitationDetails("NotInvited", true, m.Email, m.Id.ToString())),
        new BeneficiaryDetails(Date(m.JoinFundDate), m.JoinFundDate is not null, null, false, m.BeneficiaryNominationType, m.BeneficiaryDetails),
        new MemberTransitionDetails(m.Id.ToString(),
        [
            .. accounts.Where(a => a.Type == "Pension").Select(a => new MemberTransition(a.Id.ToString(), SandboxGenerator.YearStart.AddDays(-1).ToDateTime(TimeOnly.MinValue), "Commencement of Account Based Pension", a.Status)),
        ]));
}
