using Gatehouse.Portal.Apps;

namespace Gatehouse.Portal.Tests.Apps;

/// <summary>docs/security-checklist.md §1.1, registration side: each case refused (or accepted) at save time.</summary>
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
    [InlineData("HTTPS://P.EXAMPLE/CB")]
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
        Assert.Contains("PIE", RedirectUriRules.Check(uri, isSandbox: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MoreThanMax_Refused()
    {
        Assert.Null(RedirectUriRules.Check("https://p.example/cb", isSandbox: true, existingCount: RedirectUriRules.MaxPerApp - 1));
        Assert.NotNull(RedirectUriRules.Check("https://p.example/cb", isSandbox: true, existingCount: RedirectUriRules.MaxPerApp));
    }

    [Fact]
    public void Check_TooLong_Refused() =>
        Assert.NotNull(RedirectUriRules.Check("https://p.example/" + new string('a', RedirectUriRules.MaxLength), isSandbox: true));
}
