using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Gatehouse.Portal.Tests;

/// <summary>One person's cookie jar against the portal: reads pages and submits their forms like a browser would.</summary>
public sealed class Browser : IDisposable
{
    private static readonly HtmlParser Parser = new();
    private readonly HttpClient http;
    private readonly CookieContainer cookies = new();
    private readonly Uri baseUri;

    public Browser(string baseUrl)
    {
        baseUri = new Uri(baseUrl);
        http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = baseUri,
        };
    }

    /// <summary>A header on every request from now on (what a reverse proxy in front would add).</summary>
    public void SetHeader(string name, string value) => http.DefaultRequestHeaders.Add(name, value);

    /// <summary>Every cookie this browser holds for the portal (what an attacker who stole them would have).</summary>
    public CookieCollection Cookies => cookies.GetCookies(baseUri);

    /// <summary>Puts captured cookies into this browser (replaying them).</summary>
    public void Replay(CookieCollection captured)
    {
        foreach (Cookie cookie in captured)
        {
            cookies.Add(baseUri, new Cookie(cookie.Name, cookie.Value, "/"));
        }
    }

    public static IDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>This browser's cookie-carrying client, for requests no form describes (the bad-input sweep).</summary>
    public HttpClient Http => http;

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(new Uri(path, UriKind.Relative));

    public async Task<IDocument> GetDocumentAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="path"/>, takes the form in <c>main</c> (with its antiforgery token), overrides fields and posts it.</summary>
    public Task<HttpResponseMessage> SubmitAsync(string path, params (string Name, string Value)[] fields) =>
        SubmitFormAsync(path, "main form[method=post]", fields);

    /// <summary>Like <see cref="SubmitAsync"/>, for the form <paramref name="selector"/> picks.</summary>
    public async Task<HttpResponseMessage> SubmitFormAsync(string path, string selector, params (string Name, string Value)[] fields)
    {
        var document = await GetDocumentAsync(path);
        var form = document.QuerySelector(selector) ?? throw new InvalidOperationException($"No form {selector} on {path}.");
        var values = form.QuerySelectorAll("input[type=hidden]")
            .Select(i => (Name: i.GetAttribute("name")!, Value: i.GetAttribute("value") ?? ""))
            .Where(v => v.Name is not null && fields.All(f => f.Name != v.Name))
            .Concat(fields)
            .ToList();
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : path;
        return await PostAsync(action, values);
    }

    public Task<HttpResponseMessage> PostAsync(string path, IEnumerable<(string Name, string Value)> fields) =>
        http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    public static async Task<IDocument> DocumentAsync(HttpResponseMessage response) => Parse(await response.Content.ReadAsStringAsync());

    public void Dispose() => http.Dispose();
}
