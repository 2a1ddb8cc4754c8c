using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Hosting.Tests.Contracts;

/// <summary>
/// docs/security-checklist.md §1.1, registration side: the one rule both planes call, each case refused
/// (or accepted). That the portal and the environment refuse the same cases over HTTP is checked in
/// the portal's RedirectUriRuleBothPlanesTests.
/// </summary>
public sealed class RedirectUriRulesTests
{
    [Theory]
    [InlineData("https://p.example/cb#x")]
    [InlineData("https://p.example/cb#")]
    [InlineData("https://*.p.example/cb")]
    [InlineData("https://p.example/*")]
    [InlineData("https://p.example/cb?x=*")]
    [InlineData("http://p.example/cb")]
    [InlineData("http://localhost/cb")]
    [InlineData("http://localhost.evil.test/cb")]
    [InlineData("http://127.0.0.1.evil.test/cb")]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("DATA:text/html;base64,PHNjcmlwdD4=")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("VBScript:msgbox(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("FILE://server/share")]
    [InlineData("https://user@p.example/cb")]
    [InlineData("https://user:pass@p.example/cb")]
    [InlineData("https://p.example@evil.test/cb")]
    [InlineData("https://a@b@evil.test/cb")]
    [InlineData("https://evil.test\\@p.example/cb")]
    [InlineData("/cb")]
    [InlineData("cb")]
    [InlineData("//p.example/cb")]
    [InlineData("https:p.example/cb")]
    [InlineData("ftp://p.example/cb")]
    [InlineData("com.example.app:/cb")]
    [InlineData("https://p.example/c b")]
    [InlineData("https://p.example/cb\r\nLocation: https://evil.test")]
    [InlineData("https://p.example/cb\t")]
    [InlineData("")]
    [InlineData("   ")]
    public void Check_Dangerous_Refused(string uri)
    {
        Assert.NotNull(RedirectUriRules.Check(uri, isSandbox: true));
        Assert.NotNull(RedirectUriRules.Check(uri, isSandbox: false));
    }

    [Theory]
    [InlineData("https://p.example/cb")]
    [InlineData("https://p.example/cb?tenant=1")]
    [InlineData("https://p.example:8443/oauth/callback")]
    [InlineData("https://p.example/")]
    public void Check_Https_AcceptedEverywhere(string uri)
    {
        Assert.Null(RedirectUriRules.Check(uri, isSandbox: true));
        Assert.Null(RedirectUriRules.Check(uri, isSandbox: false));
    }

    [Theory]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("http://127.0.0.1:51234/cb")]
    [InlineData("http://[::1]:8080/cb")]
    public void Check_LoopbackHttp_OnlyInPie(string uri)
    {
        Assert.Null(RedirectUriRules.Check(uri, isSandbox: true));
        Assert.Contains("PIE", RedirectUriRules.Check(uri, isSandbox: false)?.Message, StringComparison.Ordinal);
    }

    // Issue 13 finding 2: the forms the environment (exact match on .NET's form) always refused, and
    // loopback addresses other than the two literals (the portal's stricter rule).
    [Theory]
    [InlineData("https://app.example.com", "redirect_uri_not_canonical")]
    [InlineData("HTTPS://P.EXAMPLE/CB", "redirect_uri_not_canonical")]
    [InlineData("https://P.example/cb", "redirect_uri_not_canonical")]
    [InlineData("https://p.example:443/cb", "redirect_uri_not_canonical")]
    [InlineData("https://p.example/a/../cb", "redirect_uri_not_canonical")]
    [InlineData("https://p.example/%63b", "redirect_uri_not_canonical")]
    [InlineData("https://p.example/cb?x=%41", "redirect_uri_not_canonical")]
    [InlineData("http://127.1/cb", "redirect_uri_not_canonical")]
    [InlineData("http://127.0.0.1:80/cb", "redirect_uri_not_canonical")]
    [InlineData("http://127.0.0.2/cb", "redirect_uri_https_required")]
    [InlineData("http://[0:0:0:0:0:0:0:1]/cb", "redirect_uri_not_canonical")]
    public void Check_NotAsTheAuthorizationServerComparesIt_RefusedWithCode(string uri, string code)
    {
        Assert.Equal(code, RedirectUriRules.Check(uri, isSandbox: true)?.Code);
        Assert.NotNull(RedirectUriRules.Check(uri, isSandbox: false));
    }

    [Fact]
    public void Check_MoreThanMax_Refused()
    {
        Assert.Null(RedirectUriRules.CheckAll([.. Enumerable.Range(0, RedirectUriRules.MaxPerApp).Select(i => $"https://p.example/cb{i}")], isSandbox: true));
        Assert.Equal("redirect_uri_too_many", RedirectUriRules.CheckAll([.. Enumerable.Range(0, RedirectUriRules.MaxPerApp + 1).Select(i => $"https://p.example/cb{i}")], isSandbox: true)?.Code);
        Assert.Equal("redirect_uri_duplicate", RedirectUriRules.CheckAll(["https://p.example/cb", "https://p.example/cb"], isSandbox: true)?.Code);
    }

    [Fact]
    public void Check_TooLong_Refused() =>
        Assert.NotNull(RedirectUriRules.Check("https://p.example/" + new string('a', RedirectUriRules.MaxLength), isSandbox: true));
}
