using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Tests.ManagementApi;
using Gatehouse.Testing;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>
/// docs/security-checklist.md BI1–BI7: every route of the portal's endpoint table with odd route
/// values, odd query values and malformed bodies, signed in as a platform admin (pages) and with a
/// read-write personal access token (the management API). None answers 5xx.
/// </summary>
public sealed class BadInputTests
{
    private const string AdminEmail = "admin@class.com.au";

    [Fact]
    public async Task EveryRoute_MalformedInput_NeverA5xx()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PlatformAdmins:0"] = AdminEmail,
        });
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        var app = await PortalUnderTest.CreateAppAsync(admin, "Fuzzed-App");
        var token = await ManagementApiTests.CreateTokenAsync(admin, write: true);
        using var api = ManagementApiTests.Client(portal, token);
        // A session of its own for the routes that end one (signing out there must not sign the sweep out).
        var other = await portal.NewDeveloperAsync("other@class.com.au");
        // The MFA page makes the authenticator key on the first visit; concurrent first visits race on
        // a unique key (a concurrency bug, reported separately, not bad input): make it once up front.
        (await admin.GetAsync("/account/mfa")).Dispose();
        var antiforgery = (await admin.GetDocumentAsync("/apps")).QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value");

        var cases = BadInput.Cases(portal.App.Services, [], antiforgery, name => name switch
        {
            "id" => app.AppId.ToString(),
            "environment" => "production",
            _ => null,
        });
        Assert.InRange(cases.Count, 500, 5000);
        var offending = await BadInput.SweepAsync(cases, request =>
        {
            var path = request.RequestUri!.OriginalString;
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                return api;
            }

            return path.StartsWith("/account/sign-out", StringComparison.Ordinal) || path.StartsWith("/account/sessions", StringComparison.Ordinal)
                ? other.Http
                : admin.Http;
        });

        Assert.True(offending.Count == 0, $"{offending.Count} of {cases.Count} requests answered 5xx:\n" + string.Join("\n", offending));
    }
}
