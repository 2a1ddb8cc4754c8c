using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Environment.Businesses;
using Gatehouse.Environment.Dms;
using Gatehouse.Environment.Funds;

namespace Gatehouse.Environment.Sandbox;

/// <summary>
/// Synthetic but realistic sandbox data, derived only from the organisation id: the same
/// organisation always gets the same business code, funds, members, journals and documents, on
/// every environment and node. Seeds come from SHA-256, never <see cref="string.GetHashCode()"/>
/// (randomised per process), and ids are hashes too, so a reset restores the very same rows.
/// </summary>
public static class SandboxGenerator
{
    /// <summary>Members across all of a sandbox's funds.</summary>
    public const int MemberCount = 20;

    /// <summary>The financial year the journals cover (1 July 2024 to 30 June 2025).</summary>
    public static readonly DateOnly YearStart = new(2024, 7, 1);

    public static readonly DateOnly YearEnd = new(2025, 6, 30);

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static readonly string[] Families =
        ["Smith", "Nguyen", "Patel", "Williams", "Brown", "Chen", "Jones", "Taylor", "Wilson", "Kelly", "Singh", "Martin", "Murphy", "Walker"];

    private static readonly string[] MaleNames = ["James", "Michael", "David", "Peter", "Andrew", "Robert", "Thomas", "Daniel", "Mark", "Stephen", "Raj", "Wei"];

    private static readonly string[] FemaleNames = ["Sarah", "Jennifer", "Karen", "Michelle", "Emma", "Linda", "Susan", "Olivia", "Priya", "Mei", "Anne", "Julie"];

    private static readonly string[] TagPool = ["Accumulation", "Pension", "Property", "Shares", "Audit due", "New client"];

    /// <summary>"SBX" and six base32 characters of the hash, plus more if a (very unlikely) collision needs them.</summary>
    public static string BusinessCode(Guid organisationId, int extraCharacters = 0)
    {
        var hash = Hash(organisationId, "business-code");
        var chars = new char[6 + extraCharacters];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32[hash[i] % 32];
        }

        return "SBX" + new string(chars);
    }

    public static List<Fund> Funds(Guid organisationId, string brandName) => Generate(organisationId, brandName).Funds;

    /// <summary>Everything a sandbox business holds, with no business id yet (the caller attaches it).</summary>
    public static SandboxData Generate(Guid organisationId, string brandName)
    {
        var data = new SandboxData();
        var random = new Random(BitConverter.ToInt32(Hash(organisationId, "funds"), 0));

        var brands = new[] { ("MAIN", brandName, true), ("PRIVATE", $"{brandName} Private Clients", false) };
        data.Brands.AddRange(brands.Select(b => new Brand { Id = Id(organisationId, "brand:" + b.Item1), Code = b.Item1, Name = b.Item2, CanWrite = b.Item3 }));

        var count = random.Next(4, 7);
        var families = Families.OrderBy(_ => random.Next()).Take(count).ToList();
        for (var i = 0; i < count; i++)
        {
            var family = families[i];
            var code = family.ToUpperInvariant() + "SF";

            // Most funds are up to date to the last financial year (30 June); newer ones are pending setup.
            var pending = i == count - 1 && random.Next(2) == 0;
            var processedTo = new DateTimeOffset(2025 - random.Next(2), 6, 30, 0, 0, 0, TimeSpan.Zero);
            var established = new DateOnly(random.Next(1998, 2020), random.Next(1, 13), random.Next(1, 29));
            var fund = new Fund
            {
                Id = Id(organisationId, "fund:" + code),
                Code = code,
                Name = $"{family} Family Super Fund",
                BrandName = i % 3 == 2 ? brands[1].Item2 : brandName,
                Abn = Abn(random),
                Tfn = Tfn(random),
                Status = pending ? FundStatus.Pending : FundStatus.Active,
                LegalEntityType = "SMSF",
                Tags = [.. TagPool.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Order(StringComparer.Ordinal)],
                SummaryIsValid = !pending,
                LastPeriodUpdateEndDate = pending ? null : processedTo,
                ProcessedToDate = pending ? null : processedTo,
                EstablishmentDeedDate = established,
                FundStartDate = established.AddDays(random.Next(0, 30)),
                OnSystemDate = new DateOnly(2019, 7, 1).AddDays(random.Next(0, 1500)),
                Phone = $"(02) 5550 {random.Next(1000, 10000)}",
                Url = "",
                IsResident = true,
            };
            data.Funds.Add(fund);
        }

        // About twenty members, spread over the funds; each fund has a family sharing its name.
        var perFund = Enumerable.Range(0, count).Select(i => MemberCount / count + (i < MemberCount % count ? 1 : 0)).ToList();
        for (var i = 0; i < count; i++)
        {
            GenerateFund(organisationId, data, data.Funds[i], families[i], perFund[i], random);
        }

        data.Contacts.Add(Contact(organisationId, "Principal", "Margaret Hughes", "margaret.hughes", "0491 570 006", data.Funds.Select(f => f.Code)));
        data.Contacts.Add(Contact(organisationId, "Fund Administrator", "Tom Richards", "tom.richards", "0491 570 110",
            data.Funds.Where((_, i) => i % 2 == 0).Select(f => f.Code)));
        return data;
    }

    private static BusinessContact Contact(Guid organisationId, string type, string name, string mailbox, string mobile, IEnumerable<string> funds) => new()
    {
        Id = Id(organisationId, "contact:" + type),
        Type = type,
        Name = name,
        Email = $"{mailbox}@sandbox.example",
        MobilePhone = mobile,
        DirectPhone = "(02) 5550 0100",
        WorkPhone = "(02) 5550 0199",
        AddressLine1 = "Level 3, 100 Example Street",
        Locality = "Sydney",
        State = "NSW",
        PostCode = "2000",
        FundCodes = [.. funds],
    };

    private static void GenerateFund(Guid organisationId, SandboxData data, Fund fund, string family, int memberCount, Random random)
    {
        var journal = new Journal(organisationId, fund, data);
        Ledger Account(string code, string name, string group) => journal.Ledger(code, name, group);

        var cash = Account("604", "Cash at Bank – CBA Business Cheque", "Assets");
        var shares = Account("776", "Shares in Listed Companies (Australian)", "Assets");
        var managed = Account("747", "Units in Managed Investment Funds", "Assets");
        var employer = Account("242", "Contributions – Employer", "Income");
        var personal = Account("243", "Contributions – Personal Non-concessional", "Income");
        var dividends = Account("239", "Dividends Received", "Income");
        var interest = Account("250", "Interest Received", "Income");
        var marketMovement = Account("280", "Changes in Market Values of Investments", "Income");
        var accountancy = Account("301", "Accountancy Fees", "Expenses");
        var levy = Account("304", "ATO Supervisory Levy", "Expenses");
        var audit = Account("307", "Auditor's Remuneration", "Expenses");
        var pensionsPaid = Account("412", "Pensions Paid", "Expenses");
        var incomeTax = Account("485", "Income Tax Expense", "Expenses");
        var benefitsAccrued = Account("499", "Benefits Accrued as a Result of Operations", "Expenses");
        var taxPayable = Account("850", "Income Tax Payable", "Liabilities");

        // Members: a couple sharing the family name, then adult children or relatives.
        var accounts = new List<(MemberAccount Account, Ledger Entitlement, decimal Opening, Member Member)>();
        for (var m = 0; m < memberCount; m++)
        {
            var female = m % 2 == 1;
            var born = m < 2
                ? new DateOnly(random.Next(1950, 1968), random.Next(1, 13), random.Next(1, 29))
                : new DateOnly(random.Next(1975, 1995), random.Next(1, 13), random.Next(1, 29));
            var first = (female ? FemaleNames : MaleNames)[random.Next(MaleNames.Length)];
            var member = new Member
            {
                Id = Id(organisationId, $"member:{fund.Code}:{m}"),
                FundId = fund.Id,
                Number = $"M{m + 1:000}",
                Status = FundStatus.Active,
                Title = female ? (m < 2 ? "Mrs" : "Ms") : "Mr",
                FirstName = first,
                MiddleNames = random.Next(3) == 0 ? (female ? "Louise" : "John") : "",
                LastName = family,
                PreferredName = first,
                Gender = female ? "Female" : "Male",
                DateOfBirth = born,
                JoinFundDate = fund.FundStartDate!.Value.AddDays(m < 2 ? 0 : random.Next(400, 3000)),
                AustralianResident = true,
                TaxFileNumber = Tfn(random),
                Mobile = $"0491 570 {random.Next(6, 160):000}",
                HomePhone = $"(02) 5550 {random.Next(1000, 10000)}",
                Email = $"{first.ToLowerInvariant()}.{family.ToLowerInvariant()}@members.example",
                BeneficiaryNominationType = m < 2 ? "Binding Death Benefit Nomination" : "Non-binding",
                BeneficiaryDetails = m < 2 ? "Spouse 100%" : "Legal personal representative",
            };
            member.EligibleServicePeriodStartDate = member.JoinFundDate;
            data.Members.Add(member);

            var accumulation = new MemberAccount
            {
                Id = Id(organisationId, $"account:{fund.Code}:{m}:accumulation"),
                FundId = fund.Id,
                MemberId = member.Id,
                Type = "Accumulation",
                Description = $"{first} {family} – Accumulation",
            };
            data.MemberAccounts.Add(accumulation);
            accounts.Add((accumulation, journal.Ledger($"501/{member.Number}/ACC", $"{family}, {first} – Accumulation", "Member Entitlements", accumulation.Id),
                Money(random, m < 2 ? 80_000 : 15_000, m < 2 ? 600_000 : 180_000), member));

            // Members past preservation age (60) by the start of the year draw an account-based pension.
            if (born.AddYears(60) <= YearStart)
            {
                var pension = new MemberAccount
                {
                    Id = Id(organisationId, $"account:{fund.Code}:{m}:pension"),
                    FundId = fund.Id,
                    MemberId = member.Id,
                    Type = "Pension",
                    Description = $"{first} {family} – Account Based Pension",
                    PensionProductType = "AccountBased",
                };
                data.MemberAccounts.Add(pension);
                accounts.Add((pension, journal.Ledger($"501/{member.Number}/PEN", $"{family}, {first} – Account Based Pension", "Member Entitlements", pension.Id),
                    Money(random, 150_000, 800_000), member));
            }
        }

        // Opening position at the end of the prior year: assets equal the members' entitlements.
        var total = accounts.Sum(a => a.Opening);
        var sharesOpening = Math.Round(total * (decimal)(0.45 + random.NextDouble() * 0.15), 2);
        var managedOpening = Math.Round(total * 0.25m, 2);
        journal.Post(YearStart.AddDays(-1), "Opening balances",
        [
            (cash, total - sharesOpening - managedOpening, null),
            (shares, sharesOpening, null),
            (managed, managedOpening, null),
            .. accounts.Select(a => (a.Entitlement, -a.Opening, (Guid?)a.Account.Id)),
        ]);

        var weights = accounts.Select(a => a.Opening).ToList();
        var ids = accounts.Select(a => (Guid?)a.Account.Id).ToList();

        for (var month = 0; month < 12; month++)
        {
            var monthEnd = YearStart.AddMonths(month + 1).AddDays(-1);

            // Employer (SG) contributions each quarter for members still working, into accumulation.
            if (month % 3 == 0)
            {
                foreach (var (account, _, _, member) in accounts.Where(a => a.Account.Type == "Accumulation" && a.Member.DateOfBirth!.Value.AddYears(67) > YearStart))
                {
                    var amount = Money(random, 1_800, 7_500);
                    journal.Post(monthEnd.AddDays(-random.Next(0, 20)), $"SG contribution – {member.FirstName} {member.LastName}",
                        [(cash, amount, null), (employer, -amount, account.Id)]);
                }
            }

            // Account-based pensions are paid monthly (at least the 5% minimum for under-65s, here ~6%).
            foreach (var (account, _, opening, member) in accounts.Where(a => a.Account.Type == "Pension"))
            {
                var amount = Math.Round(opening * 0.06m / 12, 2);
                journal.Post(monthEnd, $"Pension payment – {member.FirstName} {member.LastName}", [(pensionsPaid, amount, account.Id), (cash, -amount, null)]);
            }

            // Interest on the cash account monthly, dividends quarterly; both allocated pro rata.
            journal.PostSplit(monthEnd, "Interest – CBA Business Cheque", cash, interest, Money(random, 40, 400), weights, ids);
            if (month % 3 == 2)
            {
                journal.PostSplit(monthEnd.AddDays(-3), "Dividends – ASX portfolio", cash, dividends, Money(random, 1_500, 9_000), weights, ids);
            }
        }

        // A non-concessional contribution for one member in March.
        var contributor = accounts.First(a => a.Account.Type == "Accumulation");
        var personalAmount = Money(random, 10_000, 60_000);
        journal.Post(new DateOnly(2025, 3, 14), $"Non-concessional contribution – {contributor.Member.FirstName} {contributor.Member.LastName}",
            [(cash, personalAmount, null), (personal, -personalAmount, contributor.Account.Id)]);

        // Fees, paid from cash and shared by all members.
        journal.PostSplit(new DateOnly(2025, 2, 20), "Accountancy fee – 2024 annual return", accountancy, cash, Money(random, 2_200, 3_300), weights, ids);
        journal.PostSplit(new DateOnly(2025, 2, 20), "Audit fee – 2024 audit", audit, cash, Money(random, 440, 770), weights, ids);
        journal.PostSplit(new DateOnly(2025, 2, 28), "ATO supervisory levy", levy, cash, 259m, weights, ids);

        // Revaluation at year end (may be a gain or a loss: the signs carry it).
        var movement = Math.Round(sharesOpening * (decimal)(random.NextDouble() * 0.2 - 0.05), 2);
        journal.PostSplit(YearEnd, "Market value adjustment – listed shares", shares, marketMovement, movement, weights, ids);

        // Income tax at 15% on accumulation members' contributions and income (pension income is exempt).
        foreach (var (account, _, _, member) in accounts.Where(a => a.Account.Type == "Accumulation"))
        {
            var taxable = -journal.Lines.Where(l => l.MemberAccountId == account.Id && (l.LedgerAccountId == employer.Id || l.LedgerAccountId == interest.Id || l.LedgerAccountId == dividends.Id)).Sum(l => l.Amount);
            var tax = Math.Round(taxable * 0.15m, 2);
            if (tax > 0)
            {
                journal.Post(YearEnd, $"Income tax – {member.FirstName} {member.LastName}", [(incomeTax, tax, account.Id), (taxPayable, -tax, null)]);
            }
        }

        // Year-end allocation: each member's share of the year's result moves into their entitlement.
        foreach (var (account, entitlement, _, _) in accounts)
        {
            var result = -journal.Lines.Where(l => l.MemberAccountId == account.Id && l.LedgerAccountId != entitlement.Id).Sum(l => l.Amount);
            if (result != 0)
            {
                journal.Post(YearEnd, $"Allocation to {entitlement.Name}", [(benefitsAccrued, result, null), (entitlement, -result, account.Id)]);
            }
        }

        GenerateDocuments(organisationId, data, fund, journal, cash);
    }

    private static void GenerateDocuments(Guid organisationId, SandboxData data, Fund fund, Journal journal, Ledger cash)
    {
        var statement = new StringBuilder("Date,Description,Debit,Credit\r\n");
        foreach (var line in journal.Lines.Where(l => l.LedgerAccountId == cash.Id && l.Date >= YearStart).OrderBy(l => l.Date).ThenBy(l => l.Description, StringComparer.Ordinal))
        {
            statement.Append(CultureInfo.InvariantCulture, $"{line.Date:yyyy-MM-dd},\"{line.Description}\",{(line.Amount > 0 ? line.Amount.ToString("0.00", CultureInfo.InvariantCulture) : "")},{(line.Amount < 0 ? (-line.Amount).ToString("0.00", CultureInfo.InvariantCulture) : "")}\r\n");
        }

        (string Name, string Type, byte[] Bytes, string[] Tags, DateOnly Date)[] documents =
        [
            ("Trust deed.pdf", "application/pdf", Pdf($"{fund.Name} - Trust deed (sandbox sample)"), ["Deed"], fund.EstablishmentDeedDate!.Value),
            ("Investment strategy 2025.pdf", "application/pdf", Pdf($"{fund.Name} - Investment strategy 2024-25 (sandbox sample)"), ["Investment strategy", "2025"], new DateOnly(2024, 8, 15)),
            ("CBA bank statement FY2025.csv", "text/csv", Encoding.UTF8.GetBytes(statement.ToString()), ["Bank statement", "2025"], new DateOnly(2025, 7, 3)),
        ];
        for (var i = 0; i < documents.Length; i++)
        {
            var (name, type, bytes, tags, date) = documents[i];
            var uploaded = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero);
            var id = Id(organisationId, $"document:{fund.Code}:{i}");
            data.Documents.Add(new Document
            {
                Id = id,
                FundId = fund.Id,
                FileName = name,
                ContentType = type,
                Length = bytes.Length,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                Tags = [.. tags],
                UploadedAt = uploaded,
                UploadedAtUnixMs = uploaded.ToUnixTimeMilliseconds(),
                SourceApp = "sandbox",
                Status = DocumentStatus.Verified,
            });
            data.DocumentContents.Add(new DocumentContent { DocumentId = id, Bytes = bytes });
        }
    }

    /// <summary>A minimal, valid one-page PDF 1.4 showing one line of text (xref offsets computed).</summary>
    public static byte[] Pdf(string text)
    {
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal);
        var content = $"BT /F1 14 Tf 72 760 Td ({escaped}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            $"<< /Length {Encoding.ASCII.GetByteCount(content)} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ];
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(Encoding.ASCII.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.ASCII.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:0000000000} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static decimal Money(Random random, int min, int max) => Math.Round(min + (decimal)random.NextDouble() * (max - min), 2);

    /// <summary>
    /// An 11-digit ABN that passes the ATO check: subtract 1 from the first digit, weight the digits
    /// 10,1,3,5,...,19, and the sum is divisible by 89. The first two digits are the check digits.
    /// </summary>
    public static string Abn(Random random)
    {
        var body = new int[9];
        var sum = 0;
        int[] weights = [3, 5, 7, 9, 11, 13, 15, 17, 19];
        for (var i = 0; i < 9; i++)
        {
            body[i] = random.Next(10);
            sum += body[i] * weights[i];
        }

        // (first - 1) * 10 + second == prefix - 10, which must bring the sum to a multiple of 89.
        var prefix = 10 + ((89 - (sum % 89)) % 89);
        return prefix.ToString("00", CultureInfo.InvariantCulture) + string.Concat(body);
    }

    public static bool IsValidAbn(string abn)
    {
        if (abn.Length != 11 || !abn.All(char.IsAsciiDigit))
        {
            return false;
        }

        int[] weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
        var sum = 0;
        for (var i = 0; i < 11; i++)
        {
            var digit = abn[i] - '0' - (i == 0 ? 1 : 0);
            sum += digit * weights[i];
        }

        return sum % 89 == 0;
    }

    private static readonly int[] TfnWeights = [1, 4, 3, 7, 5, 8, 6, 9, 10];

    /// <summary>A 9-digit TFN passing the ATO weighted check (weights 1,4,3,7,5,8,6,9,10; sum divisible by 11).</summary>
    public static string Tfn(Random random)
    {
        while (true)
        {
            var digits = new int[9];
            var sum = 0;
            for (var i = 0; i < 8; i++)
            {
                digits[i] = random.Next(i == 0 ? 1 : 0, 10);
                sum += digits[i] * TfnWeights[i];
            }

            // 10·d ≡ −sum (mod 11) ⇔ d ≡ sum (mod 11), since 10 ≡ −1.
            digits[8] = sum % 11;
            if (digits[8] < 10)
            {
                return string.Concat(digits);
            }
        }
    }

    public static bool IsValidTfn(string tfn) =>
        tfn.Length == 9 && tfn.All(char.IsAsciiDigit) && tfn.Select((c, i) => (c - '0') * TfnWeights[i]).Sum() % 11 == 0;

    private static Guid Id(Guid organisationId, string purpose) => new(Hash(organisationId, purpose).AsSpan(0, 16));

    private static byte[] Hash(Guid organisationId, string purpose) =>
        SHA256.HashData([.. organisationId.ToByteArray(), .. Encoding.UTF8.GetBytes(purpose)]);

    private sealed record Ledger(Guid Id, string Name);

    /// <summary>Builds a fund's chart of accounts and balanced transactions.</summary>
    private sealed class Journal(Guid organisationId, Fund fund, SandboxData data)
    {
        private int transactions;
        private int lines;

        public List<JournalLine> Lines { get; } = [];

        public Ledger Ledger(string code, string name, string group, Guid? memberAccountId = null)
        {
            var account = new LedgerAccount
            {
                Id = Id(organisationId, $"ledger:{fund.Code}:{code}"),
                FundId = fund.Id,
                Code = code,
                Name = name,
                Group = group,
                MemberAccountId = memberAccountId,
                SortOrder = data.LedgerAccounts.Count(a => a.FundId == fund.Id),
            };
            data.LedgerAccounts.Add(account);
            return new Ledger(account.Id, name);
        }

        public void Post(DateOnly date, string description, IReadOnlyList<(Ledger Account, decimal Amount, Guid? MemberAccountId)> entries)
        {
            // Double entry by construction: a transaction that does not sum to zero is a generator bug.
            if (entries.Sum(e => e.Amount) != 0)
            {
                throw new InvalidOperationException($"Unbalanced sandbox transaction '{description}'.");
            }

            var transactionId = Id(organisationId, $"transaction:{fund.Code}:{transactions++}");
            foreach (var (account, amount, memberAccountId) in entries.Where(e => e.Amount != 0))
            {
                var line = new JournalLine
                {
                    Id = Id(organisationId, $"line:{fund.Code}:{lines++}"),
                    FundId = fund.Id,
                    TransactionId = transactionId,
                    Date = date,
                    LedgerAccountId = account.Id,
                    Amount = amount,
                    Description = description,
                    MemberAccountId = memberAccountId,
                };
                Lines.Add(line);
                data.JournalLines.Add(line);
            }
        }

        /// <summary>Debits <paramref name="debit"/> with the whole amount and credits <paramref name="credit"/> split pro rata over member accounts.</summary>
        public void PostSplit(DateOnly date, string description, Ledger debit, Ledger credit, decimal amount, List<decimal> weights, List<Guid?> memberAccounts)
        {
            var total = weights.Sum();
            var shares = weights.Select(w => Math.Round(amount * w / total, 2)).ToList();
            shares[^1] += amount - shares.Sum();
            journalEntries.Clear();
            journalEntries.Add((debit, amount, null));
            journalEntries.AddRange(shares.Select((s, i) => (credit, -s, memberAccounts[i])));

            // An expense is the debit side: allocate the debit to members instead.
            if (credit.Name.StartsWith("Cash", StringComparison.Ordinal))
            {
                journalEntries.Clear();
                journalEntries.Add((credit, -amount, null));
                journalEntries.AddRange(shares.Select((s, i) => (debit, s, memberAccounts[i])));
            }

            Post(date, description, [.. journalEntries]);
        }

        private readonly List<(Ledger, decimal, Guid?)> journalEntries = [];
    }
}

/// <summary>The generated rows of one sandbox business.</summary>
public sealed class SandboxData
{
    public List<Fund> Funds { get; } = [];

    public List<Brand> Brands { get; } = [];

    public List<BusinessContact> Contacts { get; } = [];

    public List<Member> Members { get; } = [];

    public List<MemberAccount> MemberAccounts { get; } = [];

    public List<LedgerAccount> LedgerAccounts { get; } = [];

    public List<JournalLine> JournalLines { get; } = [];

    public List<Document> Documents { get; } = [];

    public List<DocumentContent> DocumentContents { get; } = [];
}
