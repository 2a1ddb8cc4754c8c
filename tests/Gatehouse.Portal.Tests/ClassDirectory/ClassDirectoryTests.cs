using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Gatehouse.Environment;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Audit;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Portal.Tests.ClassDirectory;

/// <summary>
/// Issue 6 follow-up: the admin console's Class directory against a real Production environment
/// plane: a platform admin creates a business and an API user there, and that user gets a token.
/// </summary>
public sealed class ClassDirectoryTests
{
    private const string AdminEmail = "admin@class.com.au";

    [Fact]
    public async Task Console_CreateBusinessAndApiUserInProduction_TheUserGetsAPasswordGrantToken()
    {
        await using var production = await RealProduction.StartAsync();
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PlatformAdmins:0"] = AdminEmail,
            ["Environments:production:Url"] = production.Url,
        });
        var admin = await portal.NewDeveloperAsync(AdminEmail);
        const string businesses = "/admin/class-directory/production/businesses";

        var empty = await admin.GetDocumentAsync(businesses);
        Assert.NotNull(empty.QuerySelector("#no-businesses"));

        // Wrong ABN check digits: refused with a message, nothing sent.
        using (var badAbn = await admin.SubmitAsync(businesses + "/edit", ("Input.Code", "ACME"), ("Input.Name", "Acme Advisers"), ("Input.Abn", "51 824 753 557"), ("Input.Brands", "")))
        {
            Assert.Equal(HttpStatusCode.OK, badAbn.StatusCode);
            Assert.Contains("check digits", await badAbn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var created = await admin.SubmitAsync(businesses + "/edit",
            ("Input.Code", "ACME"), ("Input.Name", "Acme Advisers"), ("Input.Abn", "51 824 753 556"), ("Input.Brands", "MAIN Acme Advisers\nPRIVATE Acme Private Clients")))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            Assert.NotNull((await Browser.DocumentAsync(created)).QuerySelector("#business-saved"));
        }

        // The same code again is refused rather than overwritten.
        using (var again = await admin.SubmitAsync(businesses + "/edit", ("Input.Code", "ACME"), ("Input.Name", "Other"), ("Input.Abn", ""), ("Input.Brands", "")))
        {
            Assert.Contains("already has a business ACME", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var listed = await admin.GetDocumentAsync(businesses);
        var row = listed.QuerySelector("tr[data-business-code=ACME]")!;
        Assert.Contains("51824753556", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("PRIVATE (Acme Private Clients)", row.TextContent, StringComparison.Ordinal);

        // A Class user with the API User role in ACME; the environment generates the password.
        var form = await admin.GetDocumentAsync("/admin/class-directory/production/users/edit");
        Assert.Equal("ACME", form.QuerySelector("input[name='Input.Memberships[0].BusinessCode']")!.GetAttribute("value"));
        string password;
        using (var user = await admin.SubmitAsync("/admin/class-directory/production/users/edit",
            ("Input.UserName", "api@acme.example"), ("Input.Email", "api@acme.example"), ("Input.DisplayName", "Acme API"),
            ("Input.Memberships[0].Role", ClassRoles.ApiUser), ("Input.Memberships[0].IsApiUser", "true")))
        {
            Assert.Equal(HttpStatusCode.OK, user.StatusCode);
            Assert.True(user.Headers.CacheControl?.NoStore);
            password = (await Browser.DocumentAsync(user)).QuerySelector("#initial-password")!.GetAttribute("value")!;
        }

        Assert.Equal(20, password.Length);
        var users = await admin.GetDocumentAsync("/admin/class-directory/production/users");
        Assert.Contains("ACME: API User (API user)", users.QuerySelector("tr[data-user-name='api@acme.example']")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(password, users.Source.Text, StringComparison.Ordinal);

        // Editing keeps the password (a new one is never sent) and shows none.
        using (var edit = await admin.SubmitAsync("/admin/class-directory/production/users/edit/api%40acme.example",
            ("Input.Email", "api@acme.example"), ("Input.DisplayName", "Acme API (ops)"),
            ("Input.Memberships[0].Role", ClassRoles.ApiUser), ("Input.Memberships[0].IsApiUser", "true")))
        {
            var page = await Browser.DocumentAsync(edit);
            Assert.NotNull(page.QuerySelector("#user-saved"));
            Assert.Null(page.QuerySelector("#initial-password"));
        }

        // The user signs in to Production (password grant, as an API user of a Client app there) and calls the API.
        var token = await production.PasswordGrantAsync("ACME", "api@acme.example", password);
        using var call = new HttpRequestMessage(HttpMethod.Get, $"{production.Url}/api/1.0/b/ACME/fund-data/fund-list");
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var funds = await production.Http.SendAsync(call);
        Assert.Equal(HttpStatusCode.OK, funds.StatusCode);

        var audit = await portal.QueryAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("class-directory.")).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(["class-directory.business.created", "class-directory.user.created", "class-directory.user.updated"], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal(AuditOutcome.Success, e.Outcome));
        Assert.All(audit, e => Assert.Equal("production", e.Environment));
        Assert.All(audit, e => Assert.Equal(AdminEmail, e.ActorEmail));
        Assert.All(audit, e => Assert.DoesNotContain(password, e.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Console_EnvironmentRefusesTheInput_ItsMessageIsShownNotA500()
    {
        await using var production = await RealProduction.StartAsync();
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PlatformAdmins:0"] = AdminEmail,
            ["Environments:production:Url"] = production.Url,
        });
        var admin = await portal.NewDeveloperAsync(AdminEmail);

        // A membership of a business the environment does not have (a tampered form): the environment's 400.
        using var response = await admin.SubmitAsync("/admin/class-directory/production/users/edit",
            ("Input.UserName", "someone@acme.example"), ("Input.Email", "someone@acme.example"),
            ("Input.Memberships[0].BusinessCode", "NOSUCH"), ("Input.Memberships[0].Role", ClassRoles.Staff));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Unknown business &#x27;NOSUCH&#x27;", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var failure = await portal.QueryAsync(db => db.AuditEvents.SingleAsync(e => e.Action == "class-directory.user.created"));
        Assert.Equal(AuditOutcome.Failure, failure.Outcome);
    }

    [Fact]
    public async Task Console_EnvironmentUnreachable_SaysSoAndAuditsTheFailure()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PlatformAdmins:0"] = AdminEmail,
            ["Environments:production:Url"] = FreePort.NextUrl(), // nothing listens there
        });
        var admin = await portal.NewDeveloperAsync(AdminEmail);

        var list = await admin.GetDocumentAsync("/admin/class-directory/production/businesses");
        using var create = await admin.SubmitAsync("/admin/class-directory/production/businesses/edit", ("Input.Code", "ACME"), ("Input.Name", "Acme"), ("Input.Abn", ""), ("Input.Brands", ""));

        Assert.Contains("Production is unreachable", list.QuerySelector(".validation-summary-errors")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        Assert.Contains("Production is unreachable", await create.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Every admin page (the compiled route table), GET and POST, is 404 to a signed-in developer who is not a platform admin.</summary>
    [Fact]
    public async Task AdminRoutes_NonAdmin_NotFoundForEveryPageAndHandler()
    {
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?> { ["Portal:PlatformAdmins:0"] = AdminEmail });
        var developer = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var token = (await developer.GetDocumentAsync("/organisation")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var pages = typeof(PortalPlane).Assembly.GetTypes()
            .Select(t => (Type: t, Template: t.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(a => a.Key == "RouteTemplate")?.Value))
            .Where(p => p.Template is not null && p.Template.TrimStart('/').StartsWith("admin", StringComparison.Ordinal))
            .Select(p => (Template: "/" + p.Template!.TrimStart('/'), Handlers: p.Type.GetProperty("Model")!.PropertyType.GetMethods()
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => m.Name["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal))
                .Distinct().ToList()))
            .ToList();

        Assert.Contains(pages, p => p.Template == "/admin/class-directory/{environment}/users/edit/{userName?}" && p.Handlers.Contains(""));
        Assert.Contains(pages, p => p.Template == "/admin/class-directory/{environment}/businesses/edit/{code?}" && p.Handlers.Contains(""));
        foreach (var (template, handlers) in pages)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(template, @"\{environment\}", "production");
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", "X");
            using var get = await developer.GetAsync(path);
            Assert.True(get.StatusCode == HttpStatusCode.NotFound, $"GET {path}: {get.StatusCode}");
            foreach (var handler in handlers)
            {
                using var post = await developer.PostAsync(handler.Length == 0 ? path : $"{path}?handler={handler}", [("__RequestVerificationToken", token), ("Input.Code", "X"), ("Input.Name", "X"), ("Input.UserName", "X"), ("Input.Email", "x@x.example")]);
                Assert.True(post.StatusCode == HttpStatusCode.NotFound, $"POST {path} handler '{handler}': {post.StatusCode}");
            }
        }

        Assert.False(await portal.QueryAsync(db => db.AuditEvents.AnyAsync(e => e.Action.StartsWith("class-directory."))));
    }
}
