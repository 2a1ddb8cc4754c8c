using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

/// <summary>What each scope lets an app do, in Class's own words, for the consent page (ASVS 10.7.1).</summary>
public static class ScopeTexts
{
    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [ClassScopes.BusinessFundList] = "List the funds of the business",
        [ClassScopes.BusinessFundCreate] = "Create funds in the business",
        [ClassScopes.FundRead] = "Read fund information",
        [ClassScopes.FundMaintain] = "Update fund information",
        [ClassScopes.FundDetailsRead] = "Read fund details",
        [ClassScopes.FundDetailsMaintain] = "Update fund details",
        [ClassScopes.FundMemberRead] = "Read member information",
        [ClassScopes.FundMemberMaintain] = "Update member information",
        [ClassScopes.DmsDocumentsRead] = "Read documents",
        [ClassScopes.DmsDocumentsWrite] = "Add and update documents",
        [ClassScopes.ClassProfile] = "Know which business you chose and your role in it",
        [Scopes.OpenId] = "Confirm who you are",
        [Scopes.Profile] = "Read your name",
        [Scopes.Email] = "Read your email address",
        [Scopes.OfflineAccess] = "Access your data while you are not logged into Class",
    };

    public static string For(string scope) => Texts.TryGetValue(scope, out var text) ? text : scope;
}
