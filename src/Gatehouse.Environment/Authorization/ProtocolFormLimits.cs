using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// ADR 0023, docs/security-checklist.md BI1: the OAuth/OIDC endpoints (<c>/connect/*</c>) read their
/// form here, before OpenIddict does, within bounds sized for protocol messages, so a NUL, an over-long
/// field name, thousands of fields, a multi-MB value or a body that is not a form is answered with the
/// protocol's own error (<c>400 invalid_request</c>, RFC 6749 §5.2) instead of surfacing as a 500.
/// OpenIddict and the pages then read the already-parsed form.
/// </summary>
public static class ProtocolFormLimits
{
    public const string PathPrefix = "/connect/";

    /// <summary>A whole request: a signed client assertion, a code, a verifier and an id_token_hint are each a few kB.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>An OAuth request has about a dozen parameters.</summary>
    public static readonly FormOptions Form = new()
    {
        ValueCountLimit = 64,
        KeyLengthLimit = 256,
        ValueLengthLimit = 16 * 1024,
        MultipartBodyLengthLimit = MaxBodyBytes,
    };

    public static IApplicationBuilder UseProtocolFormLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!http.Request.Path.StartsWithSegments(PathPrefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        var request = http.Request;
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (HttpMethods.IsPost(request.Method) && (hasBody || request.ContentType is not null))
        {
            // RFC 6749 §3.2, OIDC Core §3.1.2.1: protocol POSTs are application/x-www-form-urlencoded.
            if (!request.HasFormContentType || request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            {
                await RefuseAsync(http, "The request body must be application/x-www-form-urlencoded.");
                return;
            }

            try
            {
                await request.ReadFormAsync(Form, http.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                // InvalidDataException: a bound exceeded or a NUL in a value; BadHttpRequestException: body over MaxBodyBytes.
                await RefuseAsync(http, "The request body is malformed or exceeds the allowed size.");
                return;
            }
        }

        await next(http);
    });

    private static Task RefuseAsync(HttpContext http, string description)
    {
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = description }));
    }
}
