using System.Collections.Concurrent;
using System.Globalization;
using Gatehouse.Environment.PartnerApi;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Environment.RateLimiting;

/// <summary>
/// <c>Environments:{key}:RateLimits</c>: calls per minute per OAuth client (Class: 500), optionally
/// per product (<c>Products:class-partner-api</c>, <c>Products:dms</c>).
/// </summary>
public sealed class RateLimitOptions
{
    public int PerMinute { get; set; } = 500;

    public Dictionary<string, int> Products { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Count in the environment database (one upsert per call) so the limit holds across nodes;
    /// false (the default) counts in each node's memory, so N nodes allow up to N × the limit (ADR 0016).
    /// </summary>
    public bool Shared { get; set; }

    public int LimitFor(string product) => Products.TryGetValue(product, out var limit) ? limit : PerMinute;
}

/// <summary>
/// Class's fixed one-minute window per client (docs/class-api-notes.md §1.6): the window opens at the
/// client's first call, allows <c>limit</c> calls, and resets 60 s later. In-memory per node: a
/// cluster would multiply the allowance by its node count (ADR 0010).
/// </summary>
public sealed class ClassRateLimiter(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<(string Product, string Client), Counter> counters = new();

    public RateLimitDecision Acquire(string product, string clientId, int limit)
    {
        var now = time.GetUtcNow();
        var counter = counters.GetOrAdd((product, clientId), _ => new Counter());
        lock (counter)
        {
            if (now >= counter.WindowStart + Window)
            {
                counter.WindowStart = now;
                counter.Count = 0;
            }

            var allowed = counter.Count < limit;
            if (allowed)
            {
                counter.Count++;
            }

            var resetAfter = (int)Math.Ceiling((counter.WindowStart + Window - now).TotalSeconds);
            return new RateLimitDecision(allowed, limit, Math.Max(0, limit - counter.Count), Math.Clamp(resetAfter, 0, 60));
        }
    }

    /// <summary>Drops windows that ended long ago, so a stream of one-off clients cannot grow memory without bound.</summary>
    public void Sweep()
    {
        var cutoff = time.GetUtcNow() - (2 * Window);
        foreach (var (key, counter) in counters)
        {
            if (counter.WindowStart < cutoff)
            {
                counters.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        public DateTimeOffset WindowStart { get; set; } = DateTimeOffset.MinValue;

        public int Count { get; set; }
    }
}

public sealed record RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetAfterSeconds);

/// <summary>
/// Applies the limit after authentication (the client id comes from the token) and sets Class's
/// headers and the IETF ones (draft-ietf-httpapi-ratelimit-headers: <c>RateLimit-Policy</c> and
/// <c>RateLimit</c>) on every response; over the limit, 429 in the envelope with Retry-After (RFC 9110 §10.2.3).
/// </summary>
public sealed class RateLimitFilter(ClassRateLimiter limiter, SharedRateLimiter shared, IOptions<RateLimitOptions> options) : IEndpointFilter
{
    private int calls;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var clientId = http.User.ClientId();
        if (clientId is null)
        {
            return await next(context);
        }

        var product = http.GetEndpoint()?.Metadata.GetMetadata<ClassOperation>()?.Product ?? ClassProducts.PartnerApi;
        var limit = options.Value.LimitFor(product);
        var decision = options.Value.Shared
            ? await shared.AcquireAsync(http.RequestServices.GetRequiredService<Data.EnvironmentDbContext>(), product, clientId, limit, http.RequestAborted)
            : limiter.Acquire(product, clientId, limit);
        if (Interlocked.Increment(ref calls) % 1000 == 0)
        {
            limiter.Sweep();
        }

        var headers = http.Response.Headers;
        var remaining = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        var reset = decision.ResetAfterSeconds.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-1Min-Remaining"] = remaining;
        headers["X-RateLimit-ResetAfter"] = reset;
        headers["RateLimit-Policy"] = $"\"{product}\";q={decision.Limit};w=60";
        headers["RateLimit"] = $"\"{product}\";r={remaining};t={reset}";
        if (!decision.Allowed)
        {
            headers.RetryAfter = reset;
            return ClassResults.Error(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Rate limit of {decision.Limit} calls per minute exceeded; retry after {reset} seconds.");
        }

        return await next(context);
    }
}

public static class RateLimitingRegistration
{
    public static IServiceCollection AddClassRateLimiting(this IServiceCollection services, string environmentKey)
    {
        services.AddSingleton<ClassRateLimiter>();
        services.AddSingleton<SharedRateLimiter>();
        services.AddSingleton<RateLimitFilter>();
        services.AddOptions<RateLimitOptions>()
            .BindConfiguration($"Environments:{environmentKey}:RateLimits")
            .Validate(o => o.PerMinute > 0 && o.Products.Values.All(v => v > 0), "RateLimits: limits must be positive.")
            .ValidateOnStart();
        return services;
    }
}
