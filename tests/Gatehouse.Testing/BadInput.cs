using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Testing;

/// <summary>One malformed request: what is sent and a short name of the bad input, for the failure message.</summary>
public sealed record BadRequestCase(string Method, string Path, string Input, Func<HttpContent?> Body);

/// <summary>
/// A bad-input sweep of a plane (docs/security-checklist.md BI*): every route of the app's own endpoint
/// table (its <see cref="EndpointDataSource"/>, not a hand list), with odd route values, odd query
/// values and malformed bodies for every method the endpoint allows. Nothing may answer 5xx.
/// </summary>
public static class BadInput
{
    /// <summary>Route values that have broken parsers before: blank, NUL, very long, non-ASCII, dot segments, a space.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> RouteValues =
    [
        ("blank", ""),
        ("nul", "%00"),
        ("long", new string('a', 3000)),
        ("non-ascii", "%C3%A9t%C3%A9-%E2%9C%93"),
        ("dots", ".."),
        ("space", "%20"),
    ];

    /// <summary>Query values sent to GET endpoints under the names they bind (and the usual redirect names).</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> QueryValues =
    [
        ("nul", "%00"),
        ("non-ascii", "%C3%A9t%C3%A9"),
        ("relative", "..%2F..%2Fx"),
        ("long", new string('q', 3000)),
    ];

    private static readonly string[] RedirectNames = ["returnUrl", "ReturnUrl", "post_logout_redirect_uri", "redirect_uri", "client_id", "handler", "page"];

    /// <summary>A multi-megabyte value: above ASP.NET Core's default 4 MB form value limit.</summary>
    private static readonly byte[] HugeForm = Encoding.ASCII.GetBytes("a=" + new string('x', 5 * 1024 * 1024));

    private static readonly byte[] HugeJson = Encoding.ASCII.GetBytes("{\"name\":\"" + new string('x', 5 * 1024 * 1024) + "\"}");

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Every route endpoint of the app, from the endpoint data source the router itself uses.</summary>
    public static IReadOnlyList<RouteEndpoint> Endpoints(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal)];

    /// <summary>
    /// The requests of the sweep. <paramref name="extra"/> adds paths served by middleware rather than
    /// an endpoint (OpenIddict's introspection and revocation endpoints), read from the app's options
    /// by the caller. <paramref name="antiforgery"/> is a valid form token for the caller's session,
    /// so that form bodies reach model binding rather than stopping at the antiforgery check.
    /// </summary>
    /// <param name="known">A real value for a route parameter (e.g. the id of the caller's app), so that bodies reach the handler; null means "x".</param>
    public static IReadOnlyList<BadRequestCase> Cases(IServiceProvider services, IEnumerable<(string Path, string[] Methods)> extra, string? antiforgery, Func<string, string?>? known = null)
    {
        var cases = new List<BadRequestCase>();
        var routes = Endpoints(services)
            .Select(e => (e.RoutePattern, Methods: MethodsOf(e), Fields: FieldsOf(e), Handlers: HandlersOf(e), Json: JsonTypeOf(e)))
            .Concat(extra.Select(x => (RoutePatternFactory.Parse(x.Path), x.Methods, Fields: (IReadOnlyList<FieldShape>)[], Handlers: (IReadOnlyList<string>)[], Json: (Type?)null)))
            .DistinctBy(r => r.Item1.RawText + string.Join(",", r.Methods));
        foreach (var (pattern, methods, fields, handlers, json) in routes)
        {
            var normal = Fill(pattern, p => known?.Invoke(p.Name) ?? "x");
            if (pattern.Parameters.Count > 0)
            {
                foreach (var (name, value) in RouteValues)
                {
                    var path = Fill(pattern, _ => value);
                    foreach (var method in methods)
                    {
                        cases.Add(new(method, path, "route " + name, () => WriteMethods.Contains(method) ? Form(antiforgery, []) : null));
                    }
                }
            }

            if (methods.Contains("GET"))
            {
                var names = fields.Where(f => f.Get).Select(f => f.Name).Concat(RedirectNames).Distinct().ToList();
                foreach (var (name, value) in QueryValues)
                {
                    cases.Add(new("GET", normal + "?" + string.Join("&", names.Select(n => $"{Uri.EscapeDataString(n)}={value}")), "query " + name, () => null));
                }
            }

            foreach (var method in methods.Where(WriteMethods.Contains))
            {
                foreach (var handler in handlers.DefaultIfEmpty(""))
                {
                    var path = handler.Length == 0 ? normal : normal + "?handler=" + Uri.EscapeDataString(handler);
                    var label = handler.Length == 0 ? "" : $" (handler {handler})";
                    cases.Add(new(method, path, "form nul" + label, () => Form(antiforgery, fields.Select(f => (f.Name, "\0")))));
                    cases.Add(new(method, path, "form blank" + label, () => Form(antiforgery, fields.Select(f => (f.Name, "")))));
                    cases.Add(new(method, path, "form wrong types" + label, () => Form(antiforgery, fields.Select(f => (f.Name, f.WrongValue)))));
                    if (handler.Length > 0)
                    {
                        continue; // the size classes are read before any handler is chosen
                    }

                    cases.Add(new(method, path, "form many fields", () => Form(antiforgery, Enumerable.Range(0, 3000).Select(i => ($"f{i}", "v")))));
                    cases.Add(new(method, path, "form long field name", () => Form(antiforgery, [(new string('n', 10_000), "v")])));
                    cases.Add(new(method, path, "form huge value", () => Bytes(HugeForm, "application/x-www-form-urlencoded")));
                    cases.Add(new(method, path, "no content type", () => Bytes("{\"name\":\"x\"}"u8.ToArray(), null)));
                    cases.Add(new(method, path, "bad json", () => Bytes("{\"name\":"u8.ToArray(), "application/json")));
                    cases.Add(new(method, path, "json array", () => Bytes("[1,2,3]"u8.ToArray(), "application/json")));
                    cases.Add(new(method, path, "json nul", () => Bytes("{\"name\":\"\\u0000\",\"id\":\"\\u0000\"}"u8.ToArray(), "application/json")));
                    cases.Add(new(method, path, "json wrong types", () => Bytes(Encoding.UTF8.GetBytes(WrongJson(json)), "application/json")));
                    cases.Add(new(method, path, "json huge", () => Bytes(HugeJson, "application/json")));
                }
            }
        }

        return cases;
    }

    /// <summary>
    /// Sends <paramref name="cases"/> (in parallel, on one host) and returns every one answered 5xx or
    /// not answered at all, as "METHOD path [input] → status". <paramref name="prepare"/> authenticates
    /// a request as the route needs it and picks the client (e.g. a cookie jar for pages).
    /// </summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(IReadOnlyList<BadRequestCase> cases, Func<HttpRequestMessage, HttpClient> prepare, int parallel = 8)
    {
        var offending = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (c, ct) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path) { Content = c.Body() };
            var client = prepare(request);
            if (c.Input.Contains("huge", StringComparison.Ordinal) || c.Input.Contains("many", StringComparison.Ordinal))
            {
                // A refusal may leave the rest of the body unread and the connection closed: not one to reuse.
                request.Headers.ConnectionClose = true;
            }

            var shown = c.Path.Length > 120 ? c.Path[..120] + "…" : c.Path;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (Environment.GetEnvironmentVariable("GATEHOUSE_BADINPUT_LOG") is { Length: > 0 } log)
                {
                    File.AppendAllText(log, $"{(int)response.StatusCode} {c.Method} {shown} [{c.Input}]\n");
                }

                if ((int)response.StatusCode >= 500)
                {
                    offending.Add($"{c.Method} {shown} [{c.Input}] → {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException e) when (c.Input.Contains("huge", StringComparison.Ordinal))
            {
                // A server that answers 413 before reading a multi-MB body may close the connection
                // while the client is still sending: the refusal worked, only its answer was lost.
                _ = e;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                offending.Add($"{c.Method} {shown} [{c.Input}] → {e.GetType().Name}: {e.Message}");
            }
        });
        return [.. offending.Order(StringComparer.Ordinal)];
    }

    private static string Fill(RoutePattern pattern, Func<RoutePatternParameterPart, string> value)
    {
        var segments = pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            RoutePatternLiteralPart l => l.Content,
            RoutePatternSeparatorPart sep => sep.Content,
            RoutePatternParameterPart parameter => value(parameter),
            _ => "",
        })));
        return "/" + string.Join("/", segments);
    }

    private static string[] MethodsOf(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { HttpMethods.Count: > 0 } m)
        {
            return [.. m.HttpMethods.Where(h => h is not "HEAD" and not "OPTIONS")];
        }

        // A page answers the methods of its handlers; anything else takes GET and POST.
        if (endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>() is { } page)
        {
            return [.. page.HandlerMethods.Select(h => h.HttpMethod.ToUpperInvariant()).Append("GET").Distinct()];
        }

        return ["GET", "POST"];
    }

    private static IReadOnlyList<string> HandlersOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>() is { } page
            ? [.. page.HandlerMethods.Where(h => h.HttpMethod.Equals("POST", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(h.Name)).Select(h => h.Name!).Distinct()]
            : [];

    private static Type? JsonTypeOf(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;

    private sealed record FieldShape(string Name, string WrongValue, bool Get);

    /// <summary>The form fields a page binds (its [BindProperty] properties, one level into complex ones, and its handlers' parameters).</summary>
    private static IReadOnlyList<FieldShape> FieldsOf(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<CompiledPageActionDescriptor>() is not { } page)
        {
            return [];
        }

        var fields = new List<FieldShape>();
        foreach (var property in page.BoundProperties)
        {
            var get = property.BindingInfo?.RequestPredicate is null && property is PageBoundPropertyDescriptor { Property: var p }
                && p.GetCustomAttribute<Microsoft.AspNetCore.Mvc.BindPropertyAttribute>()?.SupportsGet == true;
            if (IsSimple(property.ParameterType))
            {
                fields.Add(new(property.Name, WrongValueFor(property.ParameterType), get));
                continue;
            }

            foreach (var inner in property.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                fields.Add(new($"{property.Name}.{inner.Name}", WrongValueFor(inner.PropertyType), get));
            }
        }

        foreach (var parameter in page.HandlerMethods.SelectMany(h => h.Parameters))
        {
            fields.Add(new(parameter.Name, WrongValueFor(parameter.ParameterType), Get: true));
        }

        return [.. fields.DistinctBy(f => f.Name)];
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(Guid) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    /// <summary>Text that does not parse as <paramref name="type"/> (a string field gets NUL and markup instead).</summary>
    private static string WrongValueFor(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) ? "\0<x>\u00e9" : t == typeof(bool) ? "maybe" : "not-a-" + t.Name;
    }

    /// <summary>The accepted JSON type's properties, each with a value of the wrong JSON kind.</summary>
    private static string WrongJson(Type? type)
    {
        var properties = type?.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList() ?? [];
        properties.AddRange(["name", "enabled", "id"]);
        var parts = properties.Distinct(StringComparer.OrdinalIgnoreCase).Select((n, i) =>
            $"\"{char.ToLowerInvariant(n[0])}{n[1..]}\":" + (i % 3) switch { 0 => "{\"x\":[1]}", 1 => "\"not-a-value\"", _ => "12345678901234567890" });
        return "{" + string.Join(",", parts) + "}";
    }

    private static FormUrlEncodedContent Form(string? antiforgery, IEnumerable<(string Name, string Value)> fields) =>
        new(fields.Concat(antiforgery is null ? [] : [("__RequestVerificationToken", antiforgery)])
            .Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static ByteArrayContent Bytes(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return content;
    }
}
