namespace Gatehouse.Portal.Catalogue;

/// <summary>
/// What each scope lets an app do, in the words the Class consent page shows the person approving
/// (the environment's ScopeTexts), so the catalogue and the consent screen never disagree.
/// </summary>
public static class ScopeExplanations
{
    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        ["business.fund.list"] = "List the funds of the business",
        ["business.fund.create"] = "Create funds in the business",
        ["fund.read"] = "Read fund information",
        ["fund.maintain"] = "Update fund information",
        ["fund.details.read"] = "Read fund details",
        ["fund.details.maintain"] = "Update fund details",
        ["fund.member.read"] = "Read member information",
        ["fund.member.maintain"] = "Update member information",
        ["dms.documents.read"] = "Read documents",
        ["dms.documents.write"] = "Add and update documents",
        ["class_profile"] = "Know which business you chose and your role in it",
        ["openid"] = "Confirm who you are",
        ["profile"] = "Read your name",
        ["email"] = "Read your email address",
        ["offline_access"] = "Access your data while you are not logged into Class",
    };

    public static string For(string scope) => Texts.TryGetValue(scope, out var text) ? text : "";
}
