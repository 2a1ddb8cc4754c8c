using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Hosting.Database;

/// <summary>
/// The store is down or stalled (connection refused, database dropped, file gone, a lock held past the
/// bounded busy/command timeout): 503 with <c>Retry-After</c>, on every plane (registered by
/// <see cref="Web.PlaneBuilder"/>),
/// never a 500 and never a success. RFC 7009 §2.2.1: on 503 "the client must assume the token still
/// exists"; fosite CVE-2020-15223 answered 200 to a revocation whose store failed (docs/security-checklist.md RV6, DB1).
/// OAuth endpoints answer in RFC 6749 form (<c>temporarily_unavailable</c>), everything else ProblemDetails.
/// A constraint violation is not an outage: the store answered, a concurrent writer won. Outside the
/// OAuth endpoints that is a 409 the caller may retry; on them it stays <c>temporarily_unavailable</c>.
/// </summary>
public sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public static bool IsStoreFailure(Exception? exception) => StoreErrors.IsUnavailable(exception);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        var constraint = StoreErrors.IsConstraintViolation(exception);
        if (!constraint && !StoreErrors.IsUnavailable(exception))
        {
            return false;
        }

        var isOAuth = httpContext.Request.Path.StartsWithSegments("/connect", StringComparison.Ordinal);
        if (constraint)
        {
            logger.LogWarning(exception, "Concurrent change refused by a constraint while serving {Path}", httpContext.Request.Path.Value);
            if (!isOAuth)
            {
                httpContext.Response.Headers.CacheControl = "no-store";
                await Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "A concurrent change to the same record won.",
                    detail: "Nothing was changed by this request. Read the record again and retry.").ExecuteAsync(httpContext);
                return true;
            }
        }
        else
        {
            logger.LogError(exception, "Database unavailable while serving {Path}", httpContext.Request.Path.Value);
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (isOAuth)
        {
            await response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = "temporarily_unavailable",
                ["error_description"] = "The authorization server cannot reach its store. Retry later; nothing was changed.",
            }, cancellationToken);
        }
        else
        {
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service temporarily unavailable.").ExecuteAsync(httpContext);
        }

        return true;
    }
}
