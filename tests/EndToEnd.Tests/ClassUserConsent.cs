using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>A Partner app's authorization code and the PKCE verifier that redeems it (RFC 7636).</summary>
public sealed record AuthorizationCode(string Code, string Verifier);

/// <summary>
/// A Class user in the browser, sent to PIE's authorization endpoint by a Partner app: logs in, allows
/// on the consent page, and the browser comes back to the app's redirect URI with a code. Nothing
/// listens at the redirect URI: the browser's navigation there is intercepted, and its URL is what the
/// app would have received (state and iss checked as the app must, RFC 9207).
/// </summary>
public static class ClassUserConsent
{
    public static async Task<AuthorizationCode> AuthorizeAsync(
        IBrowser browser, string pieUrl, string clientId, string redirectUri, string scope, string userName, string password)
    {
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(48));
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var authorize = $"{pieUrl}/connect/authorize?response_type=code&client_id={Uri.EscapeDataString(clientId)}"
            + $"&redirect_uri={Uri.EscapeDataString(redirectUri)}&scope={Uri.EscapeDataString(scope)}&state={state}"
            + $"&code_challenge={challenge}&code_challenge_method=S256";

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        // The partner's callback page, played here: the request's URL is what matters.
        await page.RouteAsync(new Regex("^" + Regex.Escape(redirectUri)), route =>
            route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/plain", Body = "callback received" }));

        await page.GotoAsync(authorize);
        await LogInAsync(page, userName, password);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Allow");
        var callback = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync(),
            request => request.Url.StartsWith(redirectUri, StringComparison.Ordinal));

        var query = HttpUtility.ParseQueryString(new Uri(callback.Url).Query);
        Assert.Equal(state, query["state"]);
        Assert.Equal(pieUrl + "/", query["iss"]);
        Assert.False(string.IsNullOrEmpty(query["code"]), "The callback has no code: " + query);
        return new AuthorizationCode(query["code"]!, verifier);
    }

    /// <summary>PIE's Class user login page, wherever it was reached from.</summary>
    public static async Task LogInAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }
}
