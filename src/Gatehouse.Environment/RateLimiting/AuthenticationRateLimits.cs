using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;

namespace Gatehouse.Environment.RateLimiting;

/// <summary>
/// <c>Environments:{key}:RateLimits:Authentication</c>: attempts per window at the token, introspection
/// and revocation endpoints and the login page (ASVS 6.3.1, 2.4.1; docs/security-checklist.md RL4, RL7).
/// Each attempt counts once per partition: its client id, its remote address and its user name.
/// </summary>
public sealed class AuthenticationRateLimitOptions
{
    public const string SectionName = "RateLimits:Authentication";

    /// <summary>Per client id (Basic credentials or body <c>client_id</c>), over the three OAuth endpoints.</summary>
    public int PerClient { get; set; } = 300;

    /// <summary>Per remote address (after the trusted proxies), over all four.</summary>
    public int PerAddress { get; set; } = 300;

    /// <summary>Per user name (password grant and login page): lockout stops guessing, this stops the flood.</summary>
    public int PerUserName { get; set; } = 30;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Who an authentication attempt is for; a null part is not counted.</summary>
public sealed record AuthenticationAttempt(string? ClientId, string? Address, string? UserName);

/// <summary>
/// Fixed windows partitioned by client, address and user name (System.Threading.RateLimiting, as the
/// portal's account limits). Keys are attacker-chosen strings, so they are bounded in length; idle
/// partitions are dropped by the limiter itself. In-memory per node, like <see cref="ClassRateLimiter"/> (ADR 0021).
/// </summary>
public sealed class AuthenticationThrottle : IDisposable
{
    private const int MaxKeyLength = 256;
    private readonly PartitionedRateLimiter<AuthenticationAttempt> limiter;

    public AuthenticationThrottle(IOptions<AuthenticationRateLimitOptions> options)
    {
        var o = options.Value;
        Window = o.Window;
        limiter = PartitionedRateLimiter.CreateChained(
            Partition(a => a.Address, "a:", o.PerAddress, o.Window),
            Partition(a => a.ClientId, "c:", o.PerClient, o.Window),
            Partition(a => a.UserName?.ToUpperInvariant(), "u:", o.PerUserName, o.Window));
    }

    public TimeSpan Window { get; }

    /// <summary>Null when allowed; otherwise whole seconds until the refusing window ends (for Retry-After).</summary>
    public int? RetryAfterSeconds(AuthenticationAttempt attempt)
    {
        using var lease = limiter.AttemptAcquire(attempt);
        if (lease.IsAcquired)
        {
            return null;
        }

        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
        return Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
    }

    public static string? AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private static PartitionedRateLimiter<AuthenticationAttempt> Partition(Func<AuthenticationAttempt, string?> key, string prefix, int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<AuthenticationAttempt, string>(attempt => key(attempt) is { Length: > 0 } value
            ? RateLimitPartition.GetFixedWindowLimiter(
                prefix + (value.Length > MaxKeyLength ? value[..MaxKeyLength] : value),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true })
            : RateLimitPartition.GetNoLimiter(""));

    public void Dispose() => limiter.Dispose();
}

/// <summary>
/// Throttles <c>/connect/token</c>, <c>/connect/introspect</c> and <c>/connect/revoke</c> before
/// OpenIddict authenticates the client (so a flood costs no secret or password hashing). Over a
/// limit: 429 with Retry-After (RFC 6585 §4) and an RFC 6749 §5.2-shaped JSON error; 6749 has no
/// rate-limit code, so <c>temporarily_unavailable</c> (its "try again later"), as RFC 8628's
/// <c>slow_down</c> is for device polling only.
/// </summary>
public sealed class AuthenticationThrottleMiddleware(RequestDelegate next, AuthenticationThrottle throttle)
{
    private static readonly string[] Endpoints = ["/connect/token", "/connect/introspect", "/connect/revoke"];

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (!Endpoints.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
        {
            await next(http);
            return;
        }

        var (clientId, userName) = await KeysAsync(http);
        if (throttle.RetryAfterSeconds(new AuthenticationAttempt(clientId, AuthenticationThrottle.AddressOf(http), userName)) is { } retry)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers.CacheControl = "no-store";
            http.Response.ContentType = "application/json;charset=UTF-8";
            await http.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["error"] = "temporarily_unavailable",
                ["error_description"] = $"Too many requests; retry after {retry} seconds.",
            }), http.RequestAborted);
            return;
        }

        await next(http);
    }

    /// <summary>The client id (Basic credentials first, RFC 6749 §2.3.1) and, for the password grant, the user name.</summary>
    private static async Task<(string? ClientId, string? UserName)> KeysAsync(HttpContext http)
    {
        string? clientId = BasicClientId(http.Request.Headers.Authorization.ToString());
        string? userName = null;
        if (http.Request.HasFormContentType)
        {
            try
            {
                // Buffered by the form feature: OpenIddict reads the same parsed form afterwards.
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                clientId ??= form["client_id"].ToString() is { Length: > 0 } id ? id : null;
                userName = form["grant_type"] == "password" && form["username"].ToString() is { Length: > 0 } name ? name : null;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                // A malformed body is OpenIddict's to refuse; the address still counts.
            }
        }

        return (clientId, userName);
    }

    private static string? BasicClientId(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var buffer = new byte[header.Length];
        if (!Convert.TryFromBase64String(header[6..].Trim(), buffer, out var length))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var raw = colon < 0 ? decoded : decoded[..colon];
        try
        {
            return WebUtility.UrlDecode(raw) is { Length: > 0 } id ? id : null;
        }
        catch (ArgumentException)
        {
            return raw;
        }
    }
}

public static class AuthenticationThrottleRegistration
{
    public static IServiceCollection AddAuthenticationThrottle(this IServiceCollection services, string environmentKey)
    {
        services.AddSingleton<AuthenticationThrottle>();
        services.AddOptions<AuthenticationRateLimitOptions>()
            .BindConfiguration($"Environments:{environmentKey}:{AuthenticationRateLimitOptions.SectionName}")
            .Validate(o => o.PerClient > 0 && o.PerAddress > 0 && o.PerUserName > 0 && o.Window > TimeSpan.Zero, "RateLimits:Authentication: limits and window must be positive.")
            .ValidateOnStart();
        return services;
    }

    public static IApplicationBuilder UseAuthenticationThrottle(this IApplicationBuilder app) =>
        app.UseMiddleware<AuthenticationThrottleMiddleware>();
}
