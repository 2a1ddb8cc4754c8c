using System.Net;
using System.Net.Http.Headers;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.PartnerApi;

/// <summary>
/// ADR 0016: with <c>RateLimits:Shared</c> the fixed window lives in the environment database, so two
/// nodes on one PostgreSQL database enforce one limit; without it each node counts alone.
/// </summary>
public sealed class SharedRateLimitTests
{
    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 8)]
    public async Task TwoNodesOnOnePostgresDatabase_AlternateCalls_SharedLimitHoldsAcrossBoth(bool shared, int allowed)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var world = await PartnerApiWorld.StartAsync(DatabaseProvider.Postgres, time,
            [new("Environments:pie:RateLimits:PerMinute", "4"), new("Environments:pie:RateLimits:Shared", shared ? "true" : "false")]);
        await using var second = await world.Env.StartNodeAsync();
        var token = await world.UserTokenAsync(world.T1);
        var path = $"/api/1.0/b/{world.T1.Sandbox.BusinessCode}/fund-data/fund-list";

        var statuses = new List<int>();
        var remaining = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var node = i % 2 == 0 ? world.Env.Http : second.Http;
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await node.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            remaining.Add(response.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
        }

        Assert.Equal(allowed, statuses.Count(s => s == 200));
        Assert.Equal(Enumerable.Repeat(200, allowed).Concat(Enumerable.Repeat(429, 10 - allowed)), statuses);
        if (shared)
        {
            Assert.Equal(["3", "2", "1", "0", "0", "0", "0", "0", "0", "0"], remaining);

            // The shared window resets 60 s after it opened, for both nodes.
            time.Advance(TimeSpan.FromSeconds(60));
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var again = await second.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("3", again.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SharedLimit_OneNode_429WithHeadersThenTheWindowResets(DatabaseProvider provider)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var world = await PartnerApiWorld.StartAsync(provider, time,
            [new("Environments:pie:RateLimits:PerMinute", "2"), new("Environments:pie:RateLimits:Shared", "true")]);
        var token = await world.UserTokenAsync(world.T1);
        var path = $"/api/1.0/b/{world.T1.Sandbox.BusinessCode}/fund-data/fund-list";

        var (first, _) = await world.GetAsync(path, token);
        var (secondCall, _) = await world.GetAsync(path, token);
        time.Advance(TimeSpan.FromSeconds(25));
        var (limited, body) = await world.GetAsync(path, token);
        time.Advance(TimeSpan.FromSeconds(35));
        var (again, _) = await world.GetAsync(path, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("1", first.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, secondCall.StatusCode);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("RATE_LIMIT_EXCEEDED", PartnerApiWorld.ErrorCode(body));
        Assert.Equal("35", limited.Headers.GetValues("X-RateLimit-ResetAfter").Single());
        Assert.Equal(TimeSpan.FromSeconds(35), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("1", again.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
    }
}
