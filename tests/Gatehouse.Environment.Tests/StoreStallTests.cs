using System.Net;
using System.Text.Json;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// A stalled store (docs/security-checklist.md ST1, ST2), locked the way another process would
/// (<see cref="StoreLock"/>): PIE's SQLite file write-locked by a separate OS process, or PostgreSQL's
/// token and usage tables held under an exclusive lock. The plane keeps answering, what needs the
/// locked store gets a prompt 503 with Retry-After (the wait is bounded), the usage writer survives
/// and, once the lock is gone, writes the records queued during the stall: none is lost.
/// </summary>
public abstract class StoreStallTests
{
    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task ST1_ST2_StoreLockedByAnotherProcess_PlaneAnswers503ThenRecovers_QueuedUsageWritten()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(Provider,
            settings: [new($"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}:Database:CommandTimeoutSeconds", "1")]);
        var client = await env.ProvisionClientAppAsync();
        var token = await env.PasswordGrantAsync(client);
        var fundList = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        var before = await UsageCountAsync(env);

        var statuses = new List<HttpStatusCode>();
        HttpStatusCode revokeStatus;
        string revokeBody;
        string? retryAfter;
        await using (await StoreLock.HoldAsync(env.Database, "OpenIddictTokens", "UsageRecords"))
        {
            // SQLite (WAL): reads go on, so Class API calls answer. PostgreSQL: the token entry cannot be
            // read, so they get a prompt 503. Each call queues a usage record the writer cannot write yet.
            for (var i = 0; i < 5; i++)
            {
                using var call = await env.GetWithTokenAsync(fundList, token.AccessToken);
                statuses.Add(call.StatusCode);
            }

            using var unauthorised = await env.GetWithTokenAsync(fundList, "not-a-token");
            statuses.Add(unauthorised.StatusCode);

            // A write (revocation, RFC 7009 §2.2.1) is a 503 the client retries, not a 4xx.
            using var revoke = await env.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/connect/revoke")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["client_id"] = client.ClientId,
                    ["client_secret"] = client.Secret,
                    ["token"] = token.Get("refresh_token")!,
                    ["token_type_hint"] = "refresh_token",
                }),
            });
            revokeStatus = revoke.StatusCode;
            revokeBody = await revoke.Content.ReadAsStringAsync();
            retryAfter = revoke.Headers.RetryAfter?.ToString();

            // The usage writer has met the lock by now (it writes within a second; the wait is 1 s).
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        var duringCall = Provider == DatabaseProvider.Sqlite ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
        // An unknown token is a 401 where it can be told without the store (SQLite); on PostgreSQL the
        // locked token table answers first, with the same 503.
        var unknownToken = Provider == DatabaseProvider.Sqlite ? HttpStatusCode.Unauthorized : HttpStatusCode.ServiceUnavailable;
        Assert.Equal([duringCall, duringCall, duringCall, duringCall, duringCall, unknownToken], statuses);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, revokeStatus);
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(revokeBody).RootElement.GetProperty("error").GetString());
        Assert.NotNull(retryAfter);

        // Lock gone: the writer resumes by itself and writes every record it had accepted.
        var written = before;
        for (var attempt = 0; attempt < 100 && written < before + 6; attempt++)
        {
            await Task.Delay(200);
            written = await UsageCountAsync(env);
        }

        Assert.Equal(before + 6, written);
        using var health = await env.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var again = await env.PasswordGrantAsync(client);
        Assert.Equal(200, again.Status);
    }

    private static async Task<int> UsageCountAsync(EnvironmentUnderTest env)
    {
        await using var scope = env.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>().UsageRecords.CountAsync();
    }
}

public sealed class SqliteStoreStallTests : StoreStallTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresStoreStallTests : StoreStallTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
