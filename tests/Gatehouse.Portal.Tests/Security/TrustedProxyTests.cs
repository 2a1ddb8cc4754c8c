using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>
/// Hosting:TrustedProxies: behind the configured proxy the client's address (login rate limits,
/// sessions, audit) is the one it forwards; from anyone else X-Forwarded-For is a forgery and ignored (TP2).
/// </summary>
public sealed class TrustedProxyTests
{
    [Theory]
    [InlineData("127.0.0.1", "203.0.113.9")]
    [InlineData("10.0.0.0/8", "127.0.0.1")]
    public async Task Audit_ForwardedFor_BelievedOnlyFromTheTrustedProxy(string trusted, string recorded)
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Hosting:TrustedProxies:0"] = trusted,
        });
        using var browser = portal.NewBrowser();
        browser.SetHeader("X-Forwarded-For", "203.0.113.9");

        using var _ = await PortalUnderTest.SignInAsync(browser, "nobody@example.com");
        var events = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action == "account.sign_in").ToListAsync());

        Assert.Equal(recorded, Assert.Single(events).IpAddress);
    }
}
