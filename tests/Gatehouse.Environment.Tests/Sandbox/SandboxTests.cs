using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Environment.Tests.Dms;
using Gatehouse.Environment.Tests.PartnerApi;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Environment.Tests.Sandbox;

public sealed class SandboxDataTests
{
    private static readonly Guid Organisation = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void Generate_SameOrganisation_IsIdenticalDownToEveryRow()
    {
        var first = JsonSerializer.Serialize(SandboxGenerator.Generate(Organisation, "Brand"));
        var second = JsonSerializer.Serialize(SandboxGenerator.Generate(Organisation, "Brand"));
        var other = JsonSerializer.Serialize(SandboxGenerator.Generate(Guid.NewGuid(), "Brand"));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Generate_AnyOrganisation_IsRealisticAndBalanced()
    {
        for (var i = 0; i < 20; i++)
        {
            var data = SandboxGenerator.Generate(Guid.NewGuid(), "Brand");

            Assert.InRange(data.Funds.Count, 4, 6);
            Assert.Equal(SandboxGenerator.MemberCount, data.Members.Count);
            Assert.All(data.Funds, f => Assert.True(SandboxGenerator.IsValidAbn(f.Abn) && SandboxGenerator.IsValidTfn(f.Tfn)));
            Assert.All(data.Members, m => Assert.True(SandboxGenerator.IsValidTfn(m.TaxFileNumber)));
            Assert.All(data.JournalLines.GroupBy(l => l.TransactionId), t => Assert.Equal(0m, t.Sum(l => l.Amount)));
            Assert.All(data.Funds, f => Assert.Contains(data.MemberAccounts, a => a.FundId == f.Id && a.Type == "Accumulation"));
            Assert.Contains(data.MemberAccounts, a => a.Type == "Pension");
            Assert.Equal(data.Funds.Count * 3, data.Documents.Count);
            Assert.Equal(2, data.Brands.Count);
        }
    }

    [Theory]
    [InlineData("123456782", true)]
    [InlineData("123456789", false)]
    [InlineData("12345678", false)]
    public void IsValidTfn_KnownValues_AreClassified(string tfn, bool valid) =>
        Assert.Equal(valid, SandboxGenerator.IsValidTfn(tfn));

    [Fact]
    public void Pdf_Generated_StartsWithTheMagicAndEndsWithEof()
    {
        var pdf = System.Text.Encoding.ASCII.GetString(SandboxGenerator.Pdf("Hello (world)"));

        Assert.StartsWith("%PDF-1.4", pdf, StringComparison.Ordinal);
        Assert.EndsWith("%%EOF\n", pdf, StringComparison.Ordinal);
        Assert.Contains("(Hello \\(world\\))", pdf, StringComparison.Ordinal);
    }
}

public abstract class SandboxResetTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Reset_AfterChangesThroughTheApi_RestoresTheGeneratedDataExactly()
    {
        await using var world = await PartnerApiWorld.StartAsync(provider);
        var token = await world.UserTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;
        var original = await DumpAsync(world.Env, b);
        var otherBefore = await DumpAsync(world.Env, world.T2.Sandbox.BusinessCode);
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var document = (await world.DocumentIdsAsync(world.T1, fund, token))[0];
        await world.PostJsonAsync($"/api/1.0/f/{b}/{fund}/fund-data/fund-detail", token, new { FundDetails = new { Name = "Changed", IsResident = false } });
        await world.SendAsync(HttpMethod.Post, $"/api/1.0/f/{b}/{fund}/dms/documents", token, DmsContent.Upload("new.txt", "new"u8.ToArray()));
        await world.SendAsync(HttpMethod.Delete, $"/api/1.0/f/{b}/{fund}/dms/documents/{document}", token);
        var changed = await DumpAsync(world.Env, b);

        using var reset = await world.Env.Http.SendAsync(world.Env.Admin(HttpMethod.Post, EnvironmentAdminApi.SandboxReset(world.T1.Descriptor.OrganisationId)));
        var result = await reset.Content.ReadFromJsonAsync<SandboxReset>();
        var restored = await DumpAsync(world.Env, b);
        var tokenStillWorks = await world.GetAsync($"/api/1.0/b/{b}/fund-data/fund-list", token);

        Assert.NotEqual(original, changed);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(new SandboxReset(b, world.T1.Sandbox.FundCount, SandboxGenerator.MemberCount, world.T1.Sandbox.FundCount * 3), result);
        Assert.Equal(original, restored);
        Assert.Equal(otherBefore, await DumpAsync(world.Env, world.T2.Sandbox.BusinessCode));
        Assert.Equal(HttpStatusCode.OK, tokenStillWorks.Response.StatusCode);
    }

    [Fact]
    public async Task Reset_UnknownOrganisationOrNoKey_Returns404Or401()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);

        using var unknown = await env.Http.SendAsync(env.Admin(HttpMethod.Post, EnvironmentAdminApi.SandboxReset(Guid.NewGuid())));
        using var noKey = await env.Http.PostAsync(EnvironmentAdminApi.SandboxReset(Guid.NewGuid()), null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
    }

    [Fact]
    public async Task Provision_WithAccessController_CreatesBothUsersWithTheirRoles()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var organisation = Guid.NewGuid();

        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Sandbox(organisation),
            new SandboxRequest("Acme", "api@acme.example", TestClient.Password, "controller@acme.example", TestClient.Password)));
        var provisioned = await response.Content.ReadFromJsonAsync<SandboxProvisioned>();
        await using var scope = env.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        var roles = await db.BusinessMemberships.Where(m => m.Business.Code == provisioned!.BusinessCode)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.UserName, m.Role, m.IsApiUser }).ToListAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("controller@acme.example", provisioned!.AccessControllerUserName);
        Assert.Equal(SandboxGenerator.MemberCount, provisioned.MemberCount);
        Assert.Contains(roles, r => r.UserName == "api@acme.example" && r.Role == "API User" && r.IsApiUser);
        Assert.Contains(roles, r => r.UserName == "controller@acme.example" && r.Role == "Access Controller" && !r.IsApiUser);
    }

    [Fact]
    public async Task Provision_ConcurrentPutsOfOneNewSandbox_AllSucceedWithOneBusinessAndUser()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);
        var organisation = Guid.NewGuid();

        // A retrying provisioner or a second portal node: the same PUT at the same moment. The losers of
        // the insert race hit a unique constraint and must go again on the winner's rows, not fail.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Sandbox(organisation),
                new SandboxRequest("Acme", "api@acme.example", TestClient.Password)));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        await using var scope = env.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();

        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.OK, $"{r.StatusCode}: {r.Body}"));
        Assert.Single(responses.Select(r => JsonSerializer.Deserialize<SandboxProvisioned>(r.Body, JsonSerializerOptions.Web)!.BusinessCode).Distinct());
        Assert.Equal(1, await db.Businesses.CountAsync(b => b.OrganisationId == organisation));
        Assert.Equal(1, await db.Users.CountAsync(u => u.UserName == "api@acme.example"));
        Assert.Equal(1, await db.BusinessMemberships.CountAsync(m => m.Business.OrganisationId == organisation));
    }

    /// <summary>A canonical JSON dump of everything a business holds, ordered by id.</summary>
    private static async Task<string> DumpAsync(EnvironmentUnderTest env, string businessCode)
    {
        await using var scope = env.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        var business = await db.Businesses.AsNoTracking().SingleAsync(x => x.Code == businessCode);
        var funds = await db.Funds.AsNoTracking().Where(f => f.BusinessId == business.Id).ToListAsync();
        var ids = funds.Select(f => f.Id).ToList();
        var documents = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.FundId)).ToListAsync();
        var documentIds = documents.Select(d => d.Id).ToList();
        var dump = new
        {
            Funds = funds.OrderBy(f => f.Id),
            Brands = (await db.Brands.AsNoTracking().Where(x => x.BusinessId == business.Id).ToListAsync()).OrderBy(x => x.Id),
            Contacts = (await db.BusinessContacts.AsNoTracking().Where(x => x.BusinessId == business.Id).ToListAsync()).OrderBy(x => x.Id),
            Members = (await db.Members.AsNoTracking().Where(x => ids.Contains(x.FundId)).ToListAsync()).OrderBy(x => x.Id),
            Accounts = (await db.MemberAccounts.AsNoTracking().Where(x => ids.Contains(x.FundId)).ToListAsync()).OrderBy(x => x.Id),
            Ledger = (await db.LedgerAccounts.AsNoTracking().Where(x => ids.Contains(x.FundId)).ToListAsync()).OrderBy(x => x.Id),
            Lines = (await db.JournalLines.AsNoTracking().Where(x => ids.Contains(x.FundId)).ToListAsync()).OrderBy(x => x.Id),
            Documents = documents.OrderBy(x => x.Id),
            Contents = (await db.DocumentContents.AsNoTracking().Where(x => documentIds.Contains(x.DocumentId)).ToListAsync()).OrderBy(x => x.DocumentId),
        };
        return JsonSerializer.Serialize(dump);
    }
}

public sealed class SqliteSandboxResetTests() : SandboxResetTests(DatabaseProvider.Sqlite);

public sealed class PostgresSandboxResetTests() : SandboxResetTests(DatabaseProvider.Postgres);
