using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Usage;

/// <summary>Reads an environment's aggregated usage (GET /admin/v1/usage/summary) with its admin API key.</summary>
public sealed class UsageClient(HttpClient http, ILogger<UsageClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Null when the environment cannot be reached or refuses: the page says so rather than fail.</summary>
    public async Task<UsageSummary?> SummaryAsync(EnvironmentEndpoint environment, string? clientId, UsagePeriod period, CancellationToken cancellationToken)
    {
        var uri = new Uri(environment.Url.TrimEnd('/') + UsageSummaryApi.For(clientId, period.From, period.To, period.Bucket), UriKind.Absolute);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("{Environment} answered {Status} to a usage summary.", environment.DisplayName, (int)response.StatusCode);
                return null;
            }

            return await response.Content.ReadFromJsonAsync<UsageSummary>(Json, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Could not read usage from {Environment}.", environment.DisplayName);
            return null;
        }
    }
}

/// <summary>A period the usage pages offer: the last hour, 24 hours or 7 days, in buckets that give 40–60 points.</summary>
public sealed record UsagePeriod(string Key, string Label, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket)
{
    public static readonly IReadOnlyList<(string Key, string Label, TimeSpan Length, TimeSpan Bucket)> Choices =
    [
        ("1h", "Last hour", TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24), TimeSpan.FromMinutes(30)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7), TimeSpan.FromHours(4)),
    ];

    /// <summary>
    /// The period ending at the end of the bucket that holds <paramref name="now"/>, so the buckets are
    /// stable between refreshes and a call made a moment ago is in the last one. Unknown keys → 24 h.
    /// </summary>
    public static UsagePeriod For(string? key, DateTimeOffset now)
    {
        var choice = Choices.FirstOrDefault(c => c.Key == key);
        if (choice.Key is null)
        {
            choice = Choices[1];
        }

        var bucketMs = (long)choice.Bucket.TotalMilliseconds;
        var end = DateTimeOffset.FromUnixTimeMilliseconds(((now.ToUnixTimeMilliseconds() / bucketMs) + 1) * bucketMs);
        return new UsagePeriod(choice.Key, choice.Label, end - choice.Length, end, choice.Bucket);
    }
}

public static class UsageRegistration
{
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddHttpClient<UsageClient>(c => c.Timeout = TimeSpan.FromSeconds(10));
        return services;
    }
}
