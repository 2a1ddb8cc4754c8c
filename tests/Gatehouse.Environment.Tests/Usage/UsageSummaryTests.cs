using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Usage;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.Usage;

public abstract class UsageSummaryTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private const string FundList = "/api/1.0/b/{businessCode}/fund-data/fund-list";
    private const string FundDetail = "/api/1.0/f/{businessCode}/{fundCode}/fund-data/fund-detail";

    private static JsonSerializerOptions Json => new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Summary_KnownRecords_GivesKnownCountsAndPercentiles()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, new FakeTimeProvider(Now));
        var ten = Now.AddHours(-2);
        await SeedAsync(env,
            // Bucket 0 (10:00–11:00): client A, latencies 10..50, one 500.
            Record(ten.AddMinutes(1), "A", "B1", FundList, 200, 10),
            Record(ten.AddMinutes(2), "A", "B1", FundList, 200, 30),
            Record(ten.AddMinutes(3), "A", "B1", FundList, 200, 20),
            Record(ten.AddMinutes(4), "A", "B1", FundDetail, 200, 40),
            Record(ten.AddMinutes(5), "A", "B1", FundList, 500, 50),
            // Bucket 1 (11:00–12:00): a 429 without a business, a 404, and client B.
            Record(ten.AddMinutes(61), "A", null, FundList, 429, 1),
            Record(ten.AddMinutes(62), "A", "B1", FundDetail, 404, 5, "corr-last-a"),
            Record(ten.AddMinutes(63), "B", "B2", FundList, 200, 100, "corr-last"),
            // Outside the period: just before it, and at its (exclusive) end.
            Record(ten.AddMilliseconds(-1), "A", "B1", FundList, 200, 999),
            Record(Now, "A", "B1", FundList, 200, 999));

        var a = await SummaryAsync(env, $"?from={Iso(ten)}&to={Iso(Now)}&bucket=3600&clientId=A");

        Assert.Equal(new UsageCounts(7, 4, 2, 1, 1), a.Totals);
        // Nearest rank over 1,5,10,20,30,40,50: p50 = 4th = 20, p95 = 7th = 50.
        Assert.Equal(20, a.P50Ms);
        Assert.Equal(50, a.P95Ms);
        Assert.Equal(2, a.Buckets.Count);
        Assert.Equal(ten, a.Buckets[0].Start);
        Assert.Equal(new UsageCounts(5, 4, 0, 1, 0), a.Buckets[0].Counts);
        Assert.Equal(30, a.Buckets[0].P50Ms);
        Assert.Equal(50, a.Buckets[0].P95Ms);
        Assert.Equal(new UsageCounts(2, 0, 2, 0, 1), a.Buckets[1].Counts);
        Assert.Equal(1, a.Buckets[1].P50Ms);
        Assert.Equal(5, a.Buckets[1].P95Ms);

        Assert.Equal([(FundList, 5), (FundDetail, 2)], a.Operations.Select(o => (o.Operation, o.Counts.Requests)));
        Assert.Equal(new UsageCounts(2, 1, 1, 0, 0), a.Operations[1].Counts);
        Assert.Equal([("B1", 6), (null, 1)], a.Businesses.Select(b => (b.Key, b.Counts.Requests)));
        Assert.Equal(1, a.Businesses[1].Counts.RateLimited);
        Assert.Equal(["A"], a.Clients.Select(c => c.Key));
        Assert.Equal(7, a.Latest.Count);
        Assert.Equal("corr-last-a", a.Latest[0].CorrelationId);
        Assert.Equal(404, a.Latest[0].Status);

        var all = await SummaryAsync(env, $"?from={Iso(ten)}&to={Iso(Now)}&bucket=3600");
        Assert.Equal(8, all.Totals.Requests);
        Assert.Equal([("A", 7), ("B", 1)], all.Clients.Select(c => (c.Key, c.Counts.Requests)));
        // Bucket 1 over everyone: 1, 5, 100 → p50 = 2nd = 5, p95 = 3rd = 100.
        Assert.Equal(5, all.Buckets[1].P50Ms);
        Assert.Equal(100, all.Buckets[1].P95Ms);
        Assert.Equal("corr-last", all.Latest[0].CorrelationId);
    }

    [Fact]
    public async Task Summary_NoParameters_CoversTheLast24HoursOfTheInjectedClock()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, new FakeTimeProvider(Now));
        await SeedAsync(env,
            Record(Now.AddHours(-25), "A", "B1", FundList, 200, 10),
            Record(Now.AddMinutes(-30), "A", "B1", FundList, 200, 10));

        var summary = await SummaryAsync(env, "");

        Assert.Equal(Now.AddHours(-24), summary.From);
        Assert.Equal(Now, summary.To);
        Assert.Equal(24, summary.Buckets.Count);
        Assert.Equal(1, summary.Totals.Requests);
        Assert.Equal(1, summary.Buckets[23].Counts.Requests);
    }

    [Fact]
    public async Task Summary_EmptyPeriod_HasZeroBucketsAndNoPercentiles()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, new FakeTimeProvider(Now));

        var summary = await SummaryAsync(env, $"?from={Iso(Now.AddHours(-1))}&to={Iso(Now)}&bucket=60");

        Assert.Equal(60, summary.Buckets.Count);
        Assert.All(summary.Buckets, b => Assert.Equal(UsageCounts.Zero, b.Counts));
        Assert.Null(summary.P50Ms);
        Assert.Empty(summary.Latest);
    }

    [Theory]
    [InlineData("?from=2026-03-02T12:00:00Z&to=2026-03-02T11:00:00Z&bucket=60")]
    [InlineData("?from=2026-01-01T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=86400")]
    [InlineData("?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&bucket=1")]
    [InlineData("?bucket=0")]
    public async Task Summary_BadPeriodOrBucket_Is400(string query)
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, new FakeTimeProvider(Now));

        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Get, UsageSummaryApi.Path + query));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Summary_WithoutAdminKey_Is401()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider, new FakeTimeProvider(Now));

        using var response = await env.Http.GetAsync(UsageSummaryApi.Path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PartnerApiCall_ReturnsCorrelationIdHeader_ThatTheSummaryLists()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var client = await env.ProvisionClientAppAsync();
        var token = await env.PasswordGrantAsync(client);

        using var response = await env.GetWithTokenAsync($"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list", token.AccessToken);
        var correlationId = Assert.Single(response.Headers.GetValues(UsageFilter.CorrelationHeader));
        Assert.Equal(32, correlationId.Length);

        // The writer flushes at least every second (UsageWriter): bounded polling.
        UsageSummary? summary = null;
        for (var attempt = 0; attempt < 50 && summary?.Totals.Requests is not 1; attempt++)
        {
            await Task.Delay(100);
            summary = await SummaryAsync(env, $"?clientId={client.ClientId}&bucket=3600");
        }

        var call = Assert.Single(summary!.Latest);
        Assert.Equal(correlationId, call.CorrelationId);
        Assert.Equal(client.Sandbox.BusinessCode, call.BusinessCode);
        Assert.Equal(200, call.Status);
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("O"));

    private static UsageRecord Record(DateTimeOffset at, string? client, string? business, string operation, int status, double latency, string? correlation = null) => new()
    {
        At = at,
        AtUnixMs = at.ToUnixTimeMilliseconds(),
        ClientId = client,
        BusinessCode = business,
        Method = "GET",
        Operation = operation,
        Status = status,
        LatencyMs = latency,
        CorrelationId = correlation ?? Guid.NewGuid().ToString("N"),
    };

    private static async Task SeedAsync(EnvironmentUnderTest env, params UsageRecord[] records)
    {
        await using var scope = env.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        db.UsageRecords.AddRange(records);
        await db.SaveChangesAsync();
    }

    private static async Task<UsageSummary> SummaryAsync(EnvironmentUnderTest env, string query)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Get, UsageSummaryApi.Path + query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UsageSummary>(Json))!;
    }
}

public sealed class SqliteUsageSummaryTests() : UsageSummaryTests(DatabaseProvider.Sqlite);

public sealed class PostgresUsageSummaryTests() : UsageSummaryTests(DatabaseProvider.Postgres);
