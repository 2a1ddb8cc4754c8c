using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Hosting.Web;

public static class SecurityHeaders
{
    /// <summary>
    /// Headers every response carries (ASVS 3.4; RFC 9700 §4.16): no framing, no sniffing, no referrer
    /// leaking codes or state, and a CSP that allows only our own scripts and styles (no inline script).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers["X-Content-Type-Options"] = "nosniff";
                headers["X-Frame-Options"] = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers["Content-Security-Policy"] =
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
                        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
}
