using System.Net;
using System.Text.RegularExpressions;

namespace Gatehouse.Portal.Tests.Apps;

/// <summary>Posting to a page's named handler with its antiforgery token, as the page's own forms do.</summary>
public static partial class AppTestSupport
{
    public const string AdminEmail = "admin@class.com.au";

    public static async Task<HttpResponseMessage> PostHandlerAsync(Browser browser, string path, string handler, params (string Name, string Value)[] fields)
    {
        var page = await browser.GetDocumentAsync(path);
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"No antiforgery token on {path}.");
        return await browser.PostAsync($"{path}?handler={handler}", [("__RequestVerificationToken", token), .. fields]);
    }

    public static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return await response.Content.ReadAsStringAsync();
        }
    }

    public static string NewSecretFrom(string html) =>
        Browser.Parse(html).QuerySelector("#new-client-secret")?.GetAttribute("value") ?? throw new InvalidOperationException("No new secret on the page.");

    /// <summary>Every 8-4-4-4-12 hex string in some text: a scan for anything shaped like a secret.</summary>
    public static IEnumerable<string> SecretShaped(string text) => SecretPattern().Matches(text).Select(m => m.Value);

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex SecretPattern();
}
