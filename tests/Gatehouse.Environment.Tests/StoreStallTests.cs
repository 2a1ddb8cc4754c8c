using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// A stalled store (docs/security-checklist.md ST1, ST2): PIE's SQLite file write-locked by another
/// OS process, as a backup tool or a stuck admin shell would. The plane keeps answering, writes get a
/// prompt 503 with Retry-After (the busy timeout is bounded), the usage writer survives and, once the
/// lock is gone, writes the records queued during the stall: none is lost.
/// </summary>
public sealed class StoreStallTests
{
    [Fact]
    public async Task ST1_ST2_WriteLockedByAnotherProcess_PlaneAnswers503ThenRecovers_QueuedUsageWritten()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite,
            settings: [new($"{EnvironmentEndpoint.SectionName}:{EnvironmentKeys.Pie}:Database:CommandTimeoutSeconds", "1")]);
        var client = await env.ProvisionClientAppAsync();
        var token = await env.PasswordGrantAsync(client);
        var fundList = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        var before = await UsageCountAsync(env);

        var statuses = new List<HttpStatusCode>();
        HttpStatusCode revokeStatus;
        string revokeBody;
        string? retryAfter;
        using (var holder = await WriteLock.TakeAsync(env.Database.ConnectionString))
        {
            // Reads go on (WAL): Class API calls answer, and each queues a usage record the writer cannot write yet.
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

            // The usage writer has met the lock at least once by now (it writes within a second).
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(before, await UsageCountAsync(env));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized], statuses);
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

    /// <summary>Another OS process holding SQLite's write lock (<c>BEGIN IMMEDIATE</c>) until disposed.</summary>
    private sealed class WriteLock : IDisposable
    {
        private readonly Process process;

        private WriteLock(Process process) => this.process = process;

        public static async Task<WriteLock> TakeAsync(string connectionString)
        {
            var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
            const string script = "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute('BEGIN IMMEDIATE')\nprint('locked',flush=True)\nsys.stdin.readline()\nc.execute('ROLLBACK')\n";
            var process = Process.Start(new ProcessStartInfo("python3", ["-c", script, file])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            }) ?? throw new InvalidOperationException("python3 did not start.");
            var line = await process.StandardOutput.ReadLineAsync();
            Assert.Equal("locked", line);
            return new WriteLock(process);
        }

        public void Dispose()
        {
            process.StandardInput.WriteLine();
            process.StandardInput.Flush();
            process.WaitForExit(10_000);
            process.Dispose();
        }
    }
}
