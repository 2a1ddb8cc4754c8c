using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary>The scopes an environment knows (docs/class-api-notes.md §2.5) and the target scope syntax.</summary>
public static class ClassScopes
{
    public const string BusinessFundList = "business.fund.list";
    public const string BusinessFundCreate = "business.fund.create";
    public const string FundRead = "fund.read";
    public const string FundMaintain = "fund.maintain";
    public const string FundDetailsRead = "fund.details.read";
    public const string FundDetailsMaintain = "fund.details.maintain";
    public const string FundMemberRead = "fund.member.read";
    public const string FundMemberMaintain = "fund.member.maintain";
    public const string DmsDocumentsRead = "dms.documents.read";
    public const string DmsDocumentsWrite = "dms.documents.write";
    public const string ClassProfile = "class_profile";

    /// <summary>The audience (RFC 9068 §2.2 <c>aud</c>) of every access token this environment issues.</summary>
    public const string Resource = "class-api";

    /// <summary><c>target:b</c> (pick at consent) or <c>target:b/{BusinessCode}</c> (pinned).</summary>
    public const string TargetPrefix = "target:";

    public const string BusinessTarget = "target:b";

    public static readonly IReadOnlyList<string> All =
    [
        BusinessFundList, BusinessFundCreate, FundRead, FundMaintain, FundDetailsRead, FundDetailsMaintain,
        FundMemberRead, FundMemberMaintain, DmsDocumentsRead, DmsDocumentsWrite,
        Scopes.OpenId, Scopes.Profile, Scopes.Email, ClassProfile, Scopes.OfflineAccess,
    ];

    public static string TargetFor(string businessCode) => $"{BusinessTarget}/{businessCode}";
}

/// <summary>Claims this environment puts in tokens, beyond the registered JWT ones.</summary>
public static class ClassClaims
{
    /// <summary>The business the token is bound to (docs/class-api-notes.md §2.8 names it <c>business_code</c>).</summary>
    public const string BusinessCode = "business_code";

    public const string BusinessName = "business_name";

    /// <summary>The user's role in that business (userinfo with class_profile).</summary>
    public const string Role = "business_role";
}
