namespace Gatehouse.Environment.PartnerApi;

// Class's schemas (docs/class-api-notes.md §4), PascalCase as Class spells them (DefaulDisplayName included).
// Optional dates are paired with "...Specified" flags where Class has them. Enums travel as strings.

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

public sealed record FundDetail(ApiRestLink? Link, string? Status, FundBasicDetail? FundDetails, FundContactDetails? ContactDetails);

public sealed record FundContactDetails(string? Phone, string? Url);

public sealed record FundBasicDetail(
    string? Brand,
    string? Code,
    string? Name,
    string? PreviousName,
    string? Abn,
    string? Tfn,
    string? Sfn,
    string? RseRegistrationNumber,
    string? LastActivatedBy,
    string? LastSuspendedBy,
    string? Asn,
    IReadOnlyList<string>? Tags,
    DateTime? EstablishmentDeedDate,
    DateTime? EndDate,
    DateTime? FundStartDate,
    DateTime? OnSystemDate,
    DateTime? RseEffectiveDate,
    DateTime? LastActivated,
    DateTime? LastSuspended,
    string? LegalType,
    bool IsResident,
    bool IsNonSuper);

public sealed record MemberSummaryList(IReadOnlyList<MemberSummary> MemberSummaries);

public sealed record MemberSummary(ApiRestLink Link, string Status, string DefaulDisplayName, string MemberNumber);

public sealed record MemberDetail(
    ApiRestLink? Link,
    string? Status,
    PersonalDetails? PersonalDetails,
    MembersDetails? MembersDetails,
    MemberContactDetails? ContactDetails,
    BeneficiaryDetails? BeneficiaryDetails,
    MemberTransitionDetails? MemberTransitionDetails);

public sealed record PersonalDetails(
    string? Title,
    string? FirstName,
    string? MiddleNames,
    string? LastName,
    string? Gender,
    DateTime? DateOfBirth,
    DateTime? DateOfDeath,
    bool DateOfDeathSpecified,
    string? PreferredSalutation,
    string? PreferredName);

public sealed record MembersDetails(
    string? Number,
    DateTime? JoinFundDate,
    DateTime? LeaveFundDate,
    bool LeaveFundDateSpecified,
    DateTime? EligibleServicePeriodStartDate,
    bool EligibleServicePeriodStartDateSpecified,
    DateTime? EligibleServicePeriodStartDateBackup,
    bool EligibleServicePeriodStartDateBackupSpecified,
    bool AustralianResident,
    string? TaxFileNumber,
    bool ClaimTaxFreeThreshold,
    decimal? DeathSumInsured,
    decimal? TpdSumInsured,
    decimal? SalaryContinuanceSumInsured,
    bool FloodLevyExempt,
    string? CentrelinkDVAReferenceNumber);

public sealed record MemberContactDetails(
    string? PreferredVoiceContact,
    string? PreferredWrittenContact,
    string? HomePhone,
    string? WorkPhone,
    string? Mobile,
    string? Direct,
    InvitationDetails? InvitationDetails);

public sealed record InvitationDetails(string InvitationStatus, bool CanInviteUsers, string PersistedEmailAddress, string MemberId);

public sealed record BeneficiaryDetails(DateTime? EffectiveDate, bool EffectiveDateSpecified, DateTime? ExpiryDate, bool ExpiryDateSpecified, string? NominationType, string? Details);

public sealed record MemberTransitionDetails(string MemberId, IReadOnlyList<MemberTransition> Transitions);

public sealed record MemberTransition(string TransitionId, DateTime Date, string Type, string Status);

public sealed record MemberAccountDetail(string Id, string Description, string Type, decimal Balance, string Status, string MemberName);

public sealed record TrialBalanceDetails(
    string FundName,
    string FundCode,
    string BalanceAtDate,
    bool PeriodUpdateRun,
    bool PriorYearNotOnSystem,
    IReadOnlyList<AccountBalanceGroup> AccountBalanceGroups);

public sealed record AccountBalanceGroup(string Name, IReadOnlyList<AccountBalanceDetails> AccountBalances);

public sealed record AccountBalanceDetails(string Id, string AccountDescription, int Depth, TrialBalanceAmount CurrentBalance, TrialBalanceAmount PreviousBalance, bool HasChildWithQuantity);

public sealed record TrialBalanceAmount(decimal QuantityOut, decimal? Quantity, bool QuantityOutSpecified, decimal AccountBalance, string AccountBalanceDirection, bool IsSummary);

public sealed record ContactDetailsResult(string Code, string Name, IReadOnlyList<PortfolioContactDetails> Contacts);

public sealed record PortfolioContactDetails(
    string Type,
    string Email,
    string DirectPhone,
    string MobilePhone,
    string WorkPhone,
    string HomePhone,
    string Fax,
    AddressSummary PhysicalAddress,
    AddressSummary MailingAddress,
    IReadOnlyList<PortfolioScope> Funds);

public sealed record AddressSummary(string AddressLine1, string AddressLine2, string AddressLine3, string PostCode, string Locality, string State, string Country);

public sealed record PortfolioScope(string Id, string Name, string Code, [property: System.Text.Json.Serialization.JsonPropertyName("link")] PortfolioLink Link);

public sealed record PortfolioLink(string Url, string Relation);

public sealed record BrandListDetail(IReadOnlyList<BrandSummary> BrandSummaries);

public sealed record BrandSummary(string Code, string Name, bool CanWrite);
