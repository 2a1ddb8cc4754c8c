using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Data;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Portal.Tests;

public sealed record CreatedApp(HttpResponseMessage Response, Guid AppId, string ClientId, string Secret);

/// <summary>
/// A real portal on Kestrel (127.0.0.1, free port) over a fresh database, with fake PIE and
/// Production admin APIs. PIE is started unless the test wants it down.
/// </summary>
public sealed partial class PortalUnderTest : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly Dictionary<string, string?> settings;
    private readonly List<Browser> browsers = [];

    /// <summary>
    /// PBKDF2 iterations in tests: production's 600,000 cost ~0.5 s per sign-up or sign-in on this
    /// machine. Lowered in code through the plane's service hook, which configuration cannot do (ADR 0011).
    /// </summary>
    public const int TestHashIterations = 1_000;

    private readonly Action<IServiceCollection>? configureServices;

    private PortalUnderTest(TestDatabase database, Dictionary<string, string?> settings, FakeTimeProvider? clock, Action<IServiceCollection>? configureServices)
    {
        Database = database;
        this.settings = settings;
        Clock = clock;
        this.configureServices = configureServices;
    }

    /// <summary>The portal's clock when the test injected one (time is advanced, never waited for); null means the system clock.</summary>
    public FakeTimeProvider? Clock { get; }

    public TestDatabase Database { get; }

    public FakeEnvironment Pie { get; } = new();

    public FakeEnvironment Production { get; } = new();

    public WebApplication App { get; private set; } = null!;

    public string Url => settings["Portal:Url"]!;

    /// <param name="clock">Replaces the portal's <see cref="TimeProvider"/>. The provisioning worker's timer runs on it too, so it only ticks when the test advances it.</param>
    /// <param name="configureServices">Further service replacements (after the clock), e.g. a logger provider that records warnings.</param>
    public static async Task<PortalUnderTest> StartAsync(DatabaseProvider provider, bool startPie = true, IDictionary<string, string?>? overrides = null, FakeTimeProvider? clock = null, Action<IServiceCollection>? configureServices = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var portal = new PortalUnderTest(database, [], clock, configureServices);
        foreach (var (key, value) in portal.Configuration(overrides))
        {
            portal.settings[key] = value;
        }

        if (startPie)
        {
            await portal.Pie.StartAsync();
        }

        await portal.Production.StartAsync();
        await portal.StartPlaneAsync();
        return portal;
    }

    /// <summary>Stops the plane and starts a new one on the same database (a process restart).</summary>
    public async Task RestartAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await StartPlaneAsync();
    }

    public Browser NewBrowser()
    {
        var browser = new Browser(Url);
        browsers.Add(browser);
        return browser;
    }

    public async Task<T> QueryAsync<T>(Func<PortalDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<PortalDbContext>());
    }

    public static Task<HttpResponseMessage> SignUpAsync(Browser browser, string email, string password = Password) =>
        browser.SubmitAsync("/account/sign-up", ("Input.Email", email), ("Input.Password", password), ("Input.ConfirmPassword", password));

    public static Task<HttpResponseMessage> SignInAsync(Browser browser, string email, string password = Password, string? returnUrl = null) =>
        browser.SubmitAsync(
            "/account/sign-in" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)),
            ("Input.Email", email),
            ("Input.Password", password));

    /// <summary>The newest verification link mailed to <paramref name="email"/>, read from the /dev/mail page.</summary>
    public async Task<string> VerificationLinkAsync(string email)
    {
        using var reader = new Browser(Url);
        var outbox = await reader.GetDocumentAsync("/dev/mail");
        var link = outbox.QuerySelectorAll("article.mail")
            .Where(m => m.QuerySelector(".mail-to")?.TextContent.Trim() == email)
            .SelectMany(m => m.QuerySelectorAll(".mail-links a"))
            .Select(a => a.GetAttribute("href")!)
            .FirstOrDefault(h => h.Contains("/account/verify", StringComparison.Ordinal));
        Assert.NotNull(link);
        Assert.StartsWith(Url + "/", link);
        return link[Url.Length..];
    }

    public static Task<HttpResponseMessage> VerifyAsync(Browser browser, string link) => browser.SubmitAsync(link);

    /// <summary>Sign up, verify through the outbox, sign in: a verified developer's browser.</summary>
    public async Task<Browser> NewDeveloperAsync(string email)
    {
        var browser = NewBrowser();
        using (var signUp = await SignUpAsync(browser, email))
        {
            Assert.Equal(HttpStatusCode.Redirect, signUp.StatusCode);
        }

        using (var verify = await VerifyAsync(browser, await VerificationLinkAsync(email)))
        {
            Assert.Contains("Your email address is verified", await verify.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var signIn = await SignInAsync(browser, email);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    /// <summary>An Owner or Admin invites <paramref name="email"/> with <paramref name="role"/>; then that developer signs up, verifies and signs in.</summary>
    public async Task<Browser> NewMemberAsync(Browser inviter, string email, string role)
    {
        using (var invite = await InviteAsync(inviter, email, role))
        {
            Assert.Equal(HttpStatusCode.Redirect, invite.StatusCode);
        }

        return await NewDeveloperAsync(email);
    }

    public static Task<HttpResponseMessage> InviteAsync(Browser inviter, string email, string role) =>
        inviter.SubmitAsync("/organisation", ("InviteEmail", email), ("InviteRole", role));

    public static async Task<CreatedApp> CreateAppAsync(Browser browser, string name = "MyApp-PIE", string environment = "pie", string type = "client")
    {
        var response = await browser.SubmitAsync(
            "/apps/create",
            ("Input.Name", name),
            ("Input.Description", "Test app"),
            ("Input.ContactEmail", "dev@acme-advisers.com.au"),
            ("Input.Environment", environment),
            ("Input.AppType", type));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = Browser.Parse(await response.Content.ReadAsStringAsync());
        var secret = document.QuerySelector("#client-secret")?.GetAttribute("value");
        var clientId = document.QuerySelector("#client-id")?.GetAttribute("value");
        var continueLink = document.QuerySelector("#continue-to-app")?.GetAttribute("href");
        Assert.NotNull(secret);
        Assert.NotNull(clientId);
        Assert.NotNull(continueLink);
        return new CreatedApp(response, Guid.Parse(continueLink["/apps/".Length..]), clientId, secret);
    }

    /// <summary>Polls (a bounded number of times) until <paramref name="condition"/> holds.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, int attempts = 150)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in browsers)
        {
            browser.Dispose();
        }

        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        await Pie.DisposeAsync();
        await Production.DisposeAsync();
        await Database.DisposeAsync();
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    public static partial Regex SecretLayout();

    private Dictionary<string, string?> Configuration(IDictionary<string, string?>? overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["Portal:Url"] = FreePort.NextUrl(),
            ["Portal:Mail:DevOutbox"] = "true",
            ["Portal:SignUp:FreeMailDomains:0"] = "gmail.com",
            ["Portal:SignUp:FreeMailDomains:1"] = "outlook.com",
            ["Portal:Provisioning:IntervalSeconds"] = "1",
            ["Portal:Provisioning:TimeoutSeconds"] = "5",
            ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "gatehouse-portal-tests"),
            ["Environments:pie:DisplayName"] = "PIE",
            ["Environments:pie:Url"] = Pie.Url,
            ["Environments:pie:IsSandbox"] = "true",
            ["Environments:pie:AdminApiKey"] = FakeEnvironment.AdminApiKey,
            ["Environments:production:DisplayName"] = "Production",
            ["Environments:production:Url"] = Production.Url,
            ["Environments:production:IsSandbox"] = "false",
            ["Environments:production:AdminApiKey"] = FakeEnvironment.AdminApiKey,
        };
        foreach (var (key, value) in Database.ConfigurationFor("Portal"))
        {
            values[key] = value;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return values;
    }

    private async Task StartPlaneAsync()
    {
        App = PortalPlane.Build([], c => c.AddInMemoryCollection(settings), services =>
        {
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestHashIterations);
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }

            configureServices?.Invoke(services);
        });
        await App.StartAsync();
    }
}
