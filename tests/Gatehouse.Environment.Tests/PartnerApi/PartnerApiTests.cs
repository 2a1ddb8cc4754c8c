using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Environment.Tests.Dms;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.PartnerApi;

/// <summary>Every operation of the Class Partner API and DMS: the path, its scope, whether app-only tokens may call it.</summary>
public sealed record Operation(string Method, string Template, string Scope, bool UserOnly = false)
{
    public string Path(string business, string fund, string member, string document) =>
        "/api/1.0" + Template.Replace("{businessCode}", business, StringComparison.Ordinal).Replace("{fundCode}", fund, StringComparison.Ordinal)
            .Replace("{memberId}", member, StringComparison.Ordinal).Replace("{documentId}", document, StringComparison.Ordinal)
            .Replace("{query}", "All", StringComparison.Ordinal)
        + (Template.EndsWith("trial-balance-details", StringComparison.Ordinal) ? "?atDate=2025-06-30" : "");

    public HttpContent? Body() => (Method, Template) switch
    {
        ("POST", var t) when t.EndsWith("fund-detail", StringComparison.Ordinal) =>
            PartnerApiWorld.Json("""{"Status":"Active","FundDetails":{"Name":"Renamed Super Fund","IsResident":true}}"""),
        ("POST", var t) when t.Contains("member-detail", StringComparison.Ordinal) =>
            PartnerApiWorld.Json("""{"PersonalDetails":{"FirstName":"Eve","LastName":"Intruder","Gender":"Female"},"MembersDetails":{"AustralianResident":true}}"""),
        ("POST", _) => DmsContent.Upload("note.txt", "hello"u8.ToArray(), "x"),
        ("PUT", _) => PartnerApiWorld.Json("""{"Tags":["taken"]}"""),
        _ => null,
    };

    public override string ToString() => $"{Method} {Template}";
}

public static class Operations
{
    public static readonly IReadOnlyList<Operation> All =
    [
        new("GET", "/b/{businessCode}/fund-data/fund-list", "business.fund.list"),
        new("GET", "/f/{businessCode}/{fundCode}/fund-data/fund-detail", "fund.details.read"),
        new("POST", "/f/{businessCode}/{fundCode}/fund-data/fund-detail", "fund.details.maintain", UserOnly: true),
        new("GET", "/f/{businessCode}/{fundCode}/member-data/member-list", "fund.member.read"),
        new("GET", "/f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}", "fund.member.read"),
        new("POST", "/f/{businessCode}/{fundCode}/member-data/member-detail/{memberId}", "fund.member.maintain", UserOnly: true),
        new("GET", "/f/{businessCode}/{fundCode}/member-data/find-member-accounts/{query}", "fund.member.read"),
        new("GET", "/f/{businessCode}/{fundCode}/report-data/accounting-reports/trial-balance-details", "fund.read"),
        new("GET", "/b/{businessCode}/business-data/contacts", "business.fund.list"),
        new("GET", "/b/{businessCode}/business-data/brand-list", "business.fund.list"),
        new("GET", "/f/{businessCode}/{fundCode}/dms/documents", "dms.documents.read"),
        new("POST", "/f/{businessCode}/{fundCode}/dms/documents", "dms.documents.write"),
        new("GET", "/f/{businessCode}/{fundCode}/dms/documents/{documentId}", "dms.documents.read"),
        new("GET", "/f/{businessCode}/{fundCode}/dms/documents/{documentId}/content", "dms.documents.read"),
        new("PUT", "/f/{businessCode}/{fundCode}/dms/documents/{documentId}/tags", "dms.documents.write"),
        new("DELETE", "/f/{businessCode}/{fundCode}/dms/documents/{documentId}", "dms.documents.write"),
    ];
}

public abstract class PartnerApiTests(DatabaseProvider provider)
{
    private Task<PartnerApiWorld> StartAsync(FakeTimeProvider? time = null, IReadOnlyList<KeyValuePair<string, string?>>? settings = null) =>
        PartnerApiWorld.StartAsync(provider, time, settings);

    [Fact]
    public async Task Routes_UnderApi_AreExactlyTheOperationTableWithItsScopes()
    {
        await using var world = await StartAsync();
        var endpoints = world.Env.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/1.0/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m =>
            {
                var operation = e.Metadata.GetMetadata<ClassOperation>();
                return $"{m} {e.RoutePattern.RawText} {operation?.Scope} {operation?.AllowsClientCredentials == false}";
            }))
            .Order(StringComparer.Ordinal);

        var expected = Operations.All.Select(o => $"{o.Method} /api/1.0{o.Template} {o.Scope} {o.UserOnly}").Order(StringComparer.Ordinal);

        Assert.Equal(expected, endpoints);
    }

    [Fact]
    public async Task EveryOperation_TokenOfT1OnT2Paths_Returns404AndT2IsUnchanged()
    {
        await using var world = await StartAsync();
        var t1 = await world.UserTokenAsync(world.T1);
        var t2 = await world.UserTokenAsync(world.T2);
        var t2Fund = (await world.FundCodesAsync(world.T2, t2))[0];
        var t2Member = (await world.MemberIdsAsync(world.T2, t2Fund, t2))[0];
        var t2Document = (await world.DocumentIdsAsync(world.T2, t2Fund, t2))[0];
        var before = await SnapshotAsync(world, world.T2, t2Fund, t2Member, t2);

        foreach (var operation in Operations.All)
        {
            var path = operation.Path(world.T2.Sandbox.BusinessCode, t2Fund, t2Member, t2Document);
            var (response, body) = await world.SendAsync(new HttpMethod(operation.Method), path, t1, operation.Body());

            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{operation}: {response.StatusCode}");
            Assert.Equal("API_NOT_FOUND", PartnerApiWorld.ErrorCode(body));
        }

        Assert.Equal(before, await SnapshotAsync(world, world.T2, t2Fund, t2Member, t2));
    }

    [Fact]
    public async Task EveryFundOperation_T2FundMemberOrDocumentUnderT1Business_Returns404()
    {
        await using var world = await StartAsync();
        var t1 = await world.UserTokenAsync(world.T1);
        var t2 = await world.UserTokenAsync(world.T2);
        var t1Funds = await world.FundCodesAsync(world.T1, t1);

        // A code T1 has no fund under (both sandboxes draw fund names from the same families).
        var t2Fund = (await world.FundCodesAsync(world.T2, t2)).First(c => !t1Funds.Contains(c));
        var t2Member = (await world.MemberIdsAsync(world.T2, t2Fund, t2))[0];
        var t2Document = (await world.DocumentIdsAsync(world.T2, t2Fund, t2))[0];
        var t1Fund = t1Funds[0];

        foreach (var operation in Operations.All.Where(o => o.Template.StartsWith("/f/", StringComparison.Ordinal)))
        {
            // T2's fund code under T1's business, then T2's member/document ids under T1's own fund.
            var foreignFund = operation.Path(world.T1.Sandbox.BusinessCode, t2Fund, t2Member, t2Document);
            var (response, _) = await world.SendAsync(new HttpMethod(operation.Method), foreignFund, t1, operation.Body());
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{operation} (fund of T2): {response.StatusCode}");

            if (operation.Template.Contains("{memberId}", StringComparison.Ordinal) || operation.Template.Contains("{documentId}", StringComparison.Ordinal))
            {
                var foreignId = operation.Path(world.T1.Sandbox.BusinessCode, t1Fund, t2Member, t2Document);
                (response, _) = await world.SendAsync(new HttpMethod(operation.Method), foreignId, t1, operation.Body());
                Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{operation} (id of T2): {response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task EveryOperation_TokenWithoutItsScope_Returns403()
    {
        await using var world = await StartAsync();
        var fundOnly = await world.UserTokenAsync(world.T1, "fund.maintain business.fund.list");
        var dmsOnly = await world.UserTokenAsync(world.T1, "dms.documents.write");
        var readOnly = await world.UserTokenAsync(world.T1, "fund.read dms.documents.read");
        var all = await world.UserTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, all))[0];
        var member = (await world.MemberIdsAsync(world.T1, fund, all))[0];
        var document = (await world.DocumentIdsAsync(world.T1, fund, all))[0];

        foreach (var operation in Operations.All)
        {
            var isDms = operation.Scope.StartsWith("dms.", StringComparison.Ordinal);
            var tokens = new List<string> { isDms ? fundOnly : dmsOnly };
            if (operation.Scope.EndsWith(".maintain", StringComparison.Ordinal) || operation.Scope.EndsWith(".write", StringComparison.Ordinal))
            {
                tokens.Add(readOnly);
            }

            foreach (var token in tokens)
            {
                var (response, body) = await world.SendAsync(new HttpMethod(operation.Method), operation.Path(world.T1.Sandbox.BusinessCode, fund, member, document), token, operation.Body());
                Assert.True(HttpStatusCode.Forbidden == response.StatusCode, $"{operation}: {response.StatusCode}");
                Assert.Equal("FORBIDDEN", PartnerApiWorld.ErrorCode(body));
            }
        }
    }

    [Fact]
    public async Task MaintainOperations_ClientCredentialsToken_Return403WhileReadsWork()
    {
        await using var world = await StartAsync();
        var app = await world.AppTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, app))[0];
        var member = (await world.MemberIdsAsync(world.T1, fund, app))[0];

        var (fundWrite, _) = await world.SendAsync(HttpMethod.Post, $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/fund-data/fund-detail", app, Operations.All[2].Body());
        var (memberWrite, _) = await world.SendAsync(HttpMethod.Post, $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/member-data/member-detail/{member}", app, Operations.All[5].Body());
        var (read, _) = await world.GetAsync($"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/member-data/member-detail/{member}", app);

        Assert.Equal(HttpStatusCode.Forbidden, fundWrite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, memberWrite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task FundDetail_GetThenPost_UpdatesTheFundAndEchoesIt()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var path = $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/fund-data/fund-detail";
        var (getResponse, detail) = await world.GetAsync(path, token);
        var details = detail.GetProperty("Data").GetProperty("FundDetails");
        Assert.Equal(HttpStatusCode.OK, getResponse.StatusCode);
        Assert.True(SandboxGenerator.IsValidAbn(details.GetProperty("Abn").GetString()!));
        Assert.True(SandboxGenerator.IsValidTfn(details.GetProperty("Tfn").GetString()!));
        Assert.Equal("SMSF", details.GetProperty("LegalType").GetString());

        var (post, echoed) = await world.PostJsonAsync(path, token, new
        {
            Status = "Active",
            FundDetails = new { Name = "Smith Retirement Fund", Abn = "51 824 753 556", Tags = new[] { "Audit due" }, LegalType = "SMSF", IsResident = true },
            ContactDetails = new { Phone = "(02) 5550 1234", Url = "https://fund.example" },
        });
        var (_, reread) = await world.GetAsync(path, token);

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("Smith Retirement Fund", echoed.GetProperty("Data").GetProperty("FundDetails").GetProperty("Name").GetString());
        Assert.Equal("51824753556", reread.GetProperty("Data").GetProperty("FundDetails").GetProperty("Abn").GetString());
        Assert.Equal("https://fund.example", reread.GetProperty("Data").GetProperty("ContactDetails").GetProperty("Url").GetString());
    }

    [Fact]
    public async Task Writes_BadInput_Return400WithEnvelopeErrors()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var member = (await world.MemberIdsAsync(world.T1, fund, token))[0];
        var fundPath = $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/fund-data/fund-detail";
        var memberPath = $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/member-data/member-detail/{member}";
        (string Path, string Json, string Expect)[] cases =
        [
            (fundPath, """{"FundDetails":{"Name":"","Abn":"51824753557","LegalType":"Robot"},"Status":"Sleeping"}""", "Abn"),
            (fundPath, """{"FundDetails":{"Name":"X","Code":"OTHERSF"}}""", "Code"),
            (fundPath, """{"FundDetails": [1, 2""", "not valid JSON"),
            (memberPath, """{"PersonalDetails":{"FirstName":"A","LastName":"B","Gender":"Robot"},"MembersDetails":{"TaxFileNumber":"123456789"}}""", "Gender"),
            (memberPath, """{"PersonalDetails":{"FirstName":"A","LastName":"B","Gender":"Male","DateOfBirth":"2999-01-01T00:00:00"},"MembersDetails":{}}""", "DateOfBirth"),
            (memberPath, """{"MembersDetails":{}}""", "PersonalDetails"),
        ];

        foreach (var (path, json, expect) in cases)
        {
            var (response, body) = await world.SendAsync(HttpMethod.Post, path, token, PartnerApiWorld.Json(json));
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{json}: {response.StatusCode}");
            var errors = body.GetProperty("Errors").EnumerateArray().ToList();
            Assert.NotEmpty(errors);
            Assert.Contains(errors, e => e.GetProperty("Message").GetString()!.Contains(expect, StringComparison.Ordinal));
            Assert.Equal(body.GetProperty("ErrorCodes").EnumerateArray().Select(c => c.GetString()), errors.Select(e => e.GetProperty("Code").GetString()).Distinct());
        }

        var (_, unchanged) = await world.GetAsync(fundPath, token);
        Assert.Equal(fund, unchanged.GetProperty("Data").GetProperty("FundDetails").GetProperty("Code").GetString());
    }

    [Fact]
    public async Task Members_ListDetailAndPost_ReadAndMaintainTheMember()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;
        var total = 0;
        foreach (var code in await world.FundCodesAsync(world.T1, token))
        {
            total += (await world.MemberIdsAsync(world.T1, code, token)).Count;
        }

        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var (list, listBody) = await world.GetAsync($"/api/1.0/f/{b}/{fund}/member-data/member-list", token);
        var first = listBody.GetProperty("Data")[0].GetProperty("MemberSummaries")[0];
        var id = first.GetProperty("Link").GetProperty("Id").GetString();
        var path = $"/api/1.0/f/{b}/{fund}/member-data/member-detail/{id}";
        var (detail, detailBody) = await world.GetAsync(path, token);
        var personal = detailBody.GetProperty("Data").GetProperty("PersonalDetails");

        var (post, postBody) = await world.PostJsonAsync(path, token, new
        {
            Status = "Active",
            PersonalDetails = new { Title = "Dr", FirstName = "Alex", LastName = personal.GetProperty("LastName").GetString(), Gender = "Other", DateOfBirth = "1960-02-29T00:00:00" },
            MembersDetails = new { Number = "M001", AustralianResident = true, TaxFileNumber = "123 456 782" },
        });
        var (_, reread) = await world.GetAsync(path, token);

        Assert.Equal(SandboxGenerator.MemberCount, total);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(", ", first.GetProperty("DefaulDisplayName").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.True(SandboxGenerator.IsValidTfn(detailBody.GetProperty("Data").GetProperty("MembersDetails").GetProperty("TaxFileNumber").GetString()!));
        Assert.False(personal.GetProperty("DateOfDeathSpecified").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.False(postBody.TryGetProperty("Data", out _));
        Assert.Equal("Alex", reread.GetProperty("Data").GetProperty("PersonalDetails").GetProperty("FirstName").GetString());
        Assert.Equal("Other", reread.GetProperty("Data").GetProperty("PersonalDetails").GetProperty("Gender").GetString());
        Assert.Equal("123456782", reread.GetProperty("Data").GetProperty("MembersDetails").GetProperty("TaxFileNumber").GetString());
    }

    [Fact]
    public async Task MemberAccountsAndTrialBalance_EveryFund_BalancesAgreeAndDebitsEqualCredits()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;
        var pensions = 0;
        foreach (var fund in await world.FundCodesAsync(world.T1, token))
        {
            var (accountsResponse, accounts) = await world.GetAsync($"/api/1.0/f/{b}/{fund}/member-data/find-member-accounts/All", token);
            var (tbResponse, tb) = await world.GetAsync($"/api/1.0/f/{b}/{fund}/report-data/accounting-reports/trial-balance-details?atDate=2025-06-30", token);
            Assert.Equal(HttpStatusCode.OK, accountsResponse.StatusCode);
            Assert.Equal(HttpStatusCode.OK, tbResponse.StatusCode);

            var lines = tb.GetProperty("Data").GetProperty("AccountBalanceGroups").EnumerateArray()
                .SelectMany(g => g.GetProperty("AccountBalances").EnumerateArray().Select(a => (Group: g.GetProperty("Name").GetString(), Line: a)))
                .ToList();
            decimal Signed(JsonElement amount) => amount.GetProperty("AccountBalance").GetDecimal() * (amount.GetProperty("AccountBalanceDirection").GetString() == "Debit" ? 1 : -1);
            var debits = lines.Select(l => Signed(l.Line.GetProperty("CurrentBalance"))).Where(a => a > 0).Sum();
            var credits = -lines.Select(l => Signed(l.Line.GetProperty("CurrentBalance"))).Where(a => a < 0).Sum();
            Assert.True(debits > 0);
            Assert.Equal(debits, credits);
            Assert.Equal(0, lines.Sum(l => Signed(l.Line.GetProperty("PreviousBalance"))));

            // Members' balances are exactly the member entitlement lines of the trial balance.
            var entitlements = -lines.Where(l => l.Group == "Member Entitlements").Sum(l => Signed(l.Line.GetProperty("CurrentBalance")));
            var balances = accounts.GetProperty("Data").EnumerateArray().ToList();
            Assert.Equal(entitlements, balances.Sum(a => a.GetProperty("Balance").GetDecimal()));
            Assert.All(balances, a => Assert.True(a.GetProperty("Balance").GetDecimal() > 0));
            pensions += balances.Count(a => a.GetProperty("Type").GetString() == "Pension");
        }

        Assert.True(pensions > 0, "Some members of pension age draw a pension.");
    }

    [Fact]
    public async Task ReadOperations_BadQuery_Return400()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        string[] paths =
        [
            $"/api/1.0/f/{b}/{fund}/report-data/accounting-reports/trial-balance-details",
            $"/api/1.0/f/{b}/{fund}/report-data/accounting-reports/trial-balance-details?atDate=30/06/2025",
            $"/api/1.0/f/{b}/{fund}/member-data/find-member-accounts/Everything",
            $"/api/1.0/b/{b}/fund-data/fund-list?statusCode=Sleeping",
            $"/api/1.0/f/{b}/{fund}/dms/documents?from=yesterday",
        ];

        foreach (var path in paths)
        {
            var (response, body) = await world.GetAsync(path, token);
            Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{path}: {response.StatusCode}");
            Assert.NotEmpty(body.GetProperty("Errors").EnumerateArray());
        }
    }

    [Fact]
    public async Task BusinessData_ContactsBrandsAndFundListFilters_ComeFromTheSandbox()
    {
        await using var world = await StartAsync();
        var token = await world.AppTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;

        var (contacts, contactsBody) = await world.GetAsync($"/api/1.0/b/{b}/business-data/contacts", token);
        var (brands, brandsBody) = await world.GetAsync($"/api/1.0/b/{b}/business-data/brand-list", token);
        var (_, pending) = await world.GetAsync($"/api/1.0/b/{b}/fund-data/fund-list?statusCode=Active", token);
        var (_, search) = await world.GetAsync($"/api/1.0/b/{b}/fund-data/fund-list?search=zzzz-none", token);

        Assert.Equal(HttpStatusCode.OK, contacts.StatusCode);
        Assert.Equal(b, contactsBody.GetProperty("Data").GetProperty("Code").GetString());
        Assert.NotEmpty(contactsBody.GetProperty("Data").GetProperty("Contacts")[0].GetProperty("Funds").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, brands.StatusCode);
        Assert.Contains(brandsBody.GetProperty("Data")[0].GetProperty("BrandSummaries").EnumerateArray(), s => s.GetProperty("Name").GetString() == "Acme Advisers");
        Assert.All(pending.GetProperty("Data")[0].GetProperty("FundSummaries").EnumerateArray(), f => Assert.Equal("Active", f.GetProperty("Status").GetString()));
        Assert.Equal(0, search.GetProperty("Data")[0].GetProperty("TotalCount").GetInt32());
    }

    [Fact]
    public async Task RateLimit_OverTheLimit_Returns429WithHeadersUntilTheWindowResets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var world = await StartAsync(time, [new("Environments:pie:RateLimits:PerMinute", "3"), new("Environments:pie:RateLimits:Products:dms", "5")]);
        var token = await world.UserTokenAsync(world.T1);
        var path = $"/api/1.0/b/{world.T1.Sandbox.BusinessCode}/fund-data/fund-list";

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (ok, _) = await world.GetAsync(path, token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            remaining.Add(ok.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
            Assert.Equal("\"class-partner-api\";q=3;w=60", ok.Headers.GetValues("RateLimit-Policy").Single());
        }

        time.Advance(TimeSpan.FromSeconds(20));
        var (limited, body) = await world.GetAsync(path, token);
        var (dms, _) = await world.GetAsync($"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/NOSUCHSF/dms/documents", token);
        time.Advance(TimeSpan.FromSeconds(40));
        var (again, _) = await world.GetAsync(path, token);

        Assert.Equal(["2", "1", "0"], remaining);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("RATE_LIMIT_EXCEEDED", PartnerApiWorld.ErrorCode(body));
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("40", limited.Headers.GetValues("X-RateLimit-ResetAfter").Single());
        Assert.Equal("\"class-partner-api\";r=0;t=40", limited.Headers.GetValues("RateLimit").Single());
        Assert.Equal("4", dms.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", again.Headers.GetValues("X-RateLimit-1Min-Remaining").Single());
    }

    [Fact]
    public async Task Usage_ApiCalls_AreRecordedWithOperationStatusAndClient()
    {
        await using var world = await StartAsync();
        var token = await world.UserTokenAsync(world.T1);
        var b = world.T1.Sandbox.BusinessCode;
        await world.GetAsync($"/api/1.0/b/{b}/fund-data/fund-list", token);
        await world.GetAsync($"/api/1.0/b/{world.T2.Sandbox.BusinessCode}/fund-data/fund-list", token);

        JsonElement records = default;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var response = await world.Env.Http.SendAsync(world.Env.Admin(HttpMethod.Get, EnvironmentAdminApi.Usage + "?clientId=" + world.T1.ClientId));
            records = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (records.GetArrayLength() >= 2)
            {
                break;
            }

            await Task.Delay(100);
        }

        var list = records.EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.All(list, r => Assert.Equal("/api/1.0/b/{businessCode}/fund-data/fund-list", r.GetProperty("operation").GetString()));
        Assert.Equal([200, 404], list.Select(r => r.GetProperty("status").GetInt32()));
        Assert.All(list, r => Assert.Equal(b, r.GetProperty("businessCode").GetString()));
        Assert.All(list, r => Assert.Equal(32, r.GetProperty("correlationId").GetString()!.Length));
    }

    /// <summary>Everything T2 can read about one fund, as JSON text.</summary>
    private static async Task<string> SnapshotAsync(PartnerApiWorld world, TestClient client, string fund, string member, string token)
    {
        var b = client.Sandbox.BusinessCode;
        var parts = new List<string>();
        foreach (var path in new[]
        {
            $"/api/1.0/b/{b}/fund-data/fund-list",
            $"/api/1.0/f/{b}/{fund}/fund-data/fund-detail",
            $"/api/1.0/f/{b}/{fund}/member-data/member-detail/{member}",
            $"/api/1.0/f/{b}/{fund}/dms/documents",
        })
        {
            var (_, body) = await world.GetAsync(path, token);
            parts.Add(body.GetRawText());
        }

        return string.Join('\n', parts);
    }
}

public sealed class SqlitePartnerApiTests() : PartnerApiTests(DatabaseProvider.Sqlite);

public sealed class PostgresPartnerApiTests() : PartnerApiTests(DatabaseProvider.Postgres);
