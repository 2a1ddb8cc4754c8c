using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Gatehouse.Portal.Accounts;

/// <summary>Bound from <c>Portal:RateLimits</c>: small numbers in tests, sensible ones by default (ASVS 2.4.1, 6.3.1).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Portal:RateLimits";

    /// <summary>Sign-up, resend and password-reset posts per client IP per window.</summary>
    public int AccountFormsPerIp { get; set; } = 20;

    /// <summary>Sign-up, resend and password-reset posts per email address per window.</summary>
    public int AccountFormsPerEmail { get; set; } = 5;

    /// <summary>Sign-in and MFA posts per client IP per window (the lockout counter limits each account).</summary>
    public int SignInPerIp { get; set; } = 60;

    public int WindowSeconds { get; set; } = 600;
}

/// <summary>
/// Two limits on the account forms: per client IP (the middleware, policy <see cref="PerIpPolicy"/>,
/// POSTs only) and per email address (checked by the page, which has read the form).
/// Refusals are 429 with Retry-After.
/// </summary>
public sealed class AccountRateLimits : IDisposable
{
    public const string PerIpPolicy = "account-forms";
    public const string SignInPolicy = "sign-in";

    private readonly PartitionedRateLimiter<string> perEmail;
    private readonly RateLimitOptions options;

    public AccountRateLimits(Microsoft.Extensions.Options.IOptions<RateLimitOptions> options)
    {
        this.options = options.Value;
        var window = TimeSpan.FromSeconds(this.options.WindowSeconds);
        var permits = this.options.AccountFormsPerEmail;
        perEmail = PartitionedRateLimiter.Create<string, string>(email => RateLimitPartition.GetFixedWindowLimiter(
            email,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
    }

    public TimeSpan Window => TimeSpan.FromSeconds(options.WindowSeconds);

    /// <summary>Null when allowed; otherwise the 429 to return (the address has used up its permits).</summary>
    public IActionResult? CheckEmail(HttpContext context, string email)
    {
        using var lease = perEmail.AttemptAcquire(email.Trim().ToLowerInvariant());
        if (lease.IsAcquired)
        {
            return null;
        }

        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return new ContentResult
        {
            StatusCode = StatusCodes.Status429TooManyRequests,
            ContentType = "text/plain; charset=utf-8",
            Content = "Too many requests for this email address. Wait a few minutes and try again.",
        };
    }

    public static void Register(IServiceCollection services, RateLimitOptions limits)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, cancellationToken) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(limits.WindowSeconds);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many attempts from your network. Wait a few minutes and try again.", cancellationToken);
            };
            o.AddPolicy(PerIpPolicy, context => PostsPerIp(context, limits.AccountFormsPerIp, limits.WindowSeconds));
            o.AddPolicy(SignInPolicy, context => PostsPerIp(context, limits.SignInPerIp, limits.WindowSeconds));
        });
    }

    private static RateLimitPartition<string> PostsPerIp(HttpContext context, int permits, int windowSeconds) =>
        !HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetNoLimiter("get")
            : RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromSeconds(windowSeconds), QueueLimit = 0 });

    public void Dispose() => perEmail.Dispose();
}
