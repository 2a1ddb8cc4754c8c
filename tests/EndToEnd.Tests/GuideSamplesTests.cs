using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// Every code sample in the guides, against the running product: each ```bash and ```csharp block
/// must be marked <c>run</c> in its info string (<c>skip: reason</c> is recognised only to be refused:
/// no sample is exempt). The bash ones run with a developer's real credentials, in guide order; the C#
/// ones are compiled together into one .NET 10 file-based app (Duende.IdentityModel from NuGet) and
/// each is called in turn. The Partner app samples get real authorization codes: a Class user (the
/// sandbox's Access Controller) signs in and consents in the browser, as on a partner's site.
/// </summary>
public sealed partial class GuideSamplesTests
{
    private static readonly string[] SampleLanguages = ["bash", "sh", "shell", "csharp", "cs"];

    // A loopback callback, as PIE allows for Partner apps; nothing listens there (ClassUserConsent).
    private const string RedirectUri = "http://127.0.0.1/guide-samples/callback";

    [Fact]
    public void Samples_EveryBlockInTheGuides_IsMarkedRunAndNoneIsSkipped()
    {
        var samples = GuideSamples.Read(new Dictionary<string, string>());
        var notRun = samples.Where(s => s.Marker != SampleMarker.Run).ToList();

        Assert.True(notRun.Count == 0, "Every sample runs: mark these `run` after the language (and give the test what they need):\n"
            + string.Join('\n', notRun.Select(s => $"{s.Name} ({s.Marker}{(s.Reason.Length > 0 ? ": " + s.Reason : "")})")));
        Assert.Contains(samples, s => s.Language == "csharp");
        Assert.Contains(samples, s => s.Code.Contains("grant_type=authorization_code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Samples_InEveryGuide_RunGreenAgainstTheProduct()
    {
        var clock = Stopwatch.StartNew();
        await using var product = await GatehouseUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var samples = GuideSamples.Read(new Dictionary<string, string>
        {
            ["{{portal}}"] = product.PortalUrl,
            ["{{pie}}"] = product.PieUrl,
            ["{{production}}"] = product.ProductionUrl,
        });
        Assert.DoesNotContain(samples, s => s.Marker != SampleMarker.Run);

        // The C# samples compile (NuGet restore included) while the browser prepares the inputs.
        var csharp = samples.Where(s => s.Language == "csharp").ToList();
        var directory = Directory.CreateTempSubdirectory("guide-samples-");
        // Outside the repository, so its Directory.Build.props (warnings as errors) does not apply to samples.
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "samples.cs"), GuideSamples.CSharpProgram(csharp));
        var build = RunAsync("dotnet", ["build", "samples.cs"], new Dictionary<string, string>(), directory.FullName, TimeSpan.FromMinutes(4));

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync()).NewPageAsync();
        var journey = await PortalJourney.RunAsync(page, product.PortalUrl);
        var pat = await CreatePersonalAccessTokenAsync(page, product.PortalUrl);
        using var portal = new HttpClient { BaseAddress = new Uri(product.PortalUrl + "/api/v1/") };
        portal.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pat);
        var (partnerClientId, partnerSecret, _) = await CreatePartnerAppAsync(portal, "Connections sample app", RedirectUri);
        var (_, _, sampleAppId) = await CreatePartnerAppAsync(portal, "Management sample app");
        var refreshToken = await RefreshTokenAsync(product.PieUrl, journey);
        var setUp = clock.Elapsed;

        var variables = new Dictionary<string, string>
        {
            ["CLIENT_ID"] = journey.ClientId,
            ["CLIENT_SECRET"] = journey.ClientSecret,
            ["API_USER"] = journey.ApiUserName,
            ["API_PASSWORD"] = journey.ApiUserPassword,
            ["BUSINESS_CODE"] = journey.BusinessCode,
            ["REFRESH_TOKEN"] = refreshToken,
            ["PARTNER_CLIENT_ID"] = partnerClientId,
            ["PARTNER_CLIENT_SECRET"] = partnerSecret,
            ["PAT"] = pat,
            ["APP_ID"] = sampleAppId,
            ["REDIRECT_URI"] = RedirectUri,
        };

        // The Partner app's user consents in the browser; its code is good for two minutes and one exchange.
        async Task AuthorizeAsync()
        {
            var code = await ClassUserConsent.AuthorizeAsync(browser, product.PieUrl, partnerClientId, RedirectUri,
                "openid offline_access business.fund.list target:b", journey.AccessControllerUserName, journey.AccessControllerPassword);
            variables["CODE"] = code.Code;
            variables["CODE_VERIFIER"] = code.Verifier;
        }

        await AuthorizeAsync();
        var ran = new List<string>();
        foreach (var sample in samples.Where(s => s.Language == "bash" && s.Marker == SampleMarker.Run))
        {
            var (exitCode, output) = await RunAsync("bash", ["-c", sample.Code.TrimEnd() + " -w '\\n%{http_code}'"], variables, Path.GetTempPath());
            Assert.True(exitCode == 0, $"{sample.Name} failed ({exitCode}):\n{sample.Code}\n{output}");
            var lines = output.TrimEnd().Split('\n');
            Assert.True(lines[^1].StartsWith('2'), $"{sample.Name} answered {lines[^1]}:\n{sample.Code}\n{output}");
            var body = string.Join('\n', lines[..^1]).Trim();
            if (body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("access_token", out var token))
                {
                    // Later samples use the token the earlier one obtained, as a reader would.
                    variables["ACCESS_TOKEN"] = token.GetString()!;
                }
                else if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("Errors", out var errors))
                {
                    Assert.Equal(0, errors.GetArrayLength());
                }
                else if (json.RootElement.ValueKind == JsonValueKind.Array
                         && json.RootElement.EnumerateArray().FirstOrDefault(c => c.TryGetProperty("status", out var status) && status.GetString() == "active") is { ValueKind: JsonValueKind.Object } connection)
                {
                    // The connection the code exchange above created, by its id from the list.
                    variables["CONNECTION_ID"] = connection.GetProperty("id").GetString()!;
                }
            }

            ran.Add(sample.Name);
        }

        var bash = clock.Elapsed - setUp;
        try
        {
            var (buildExit, buildOutput) = await build;
            Assert.True(buildExit == 0, "The C# samples do not compile:\n" + buildOutput);
            // The bash exchange redeemed the first code: the C# callback sample gets a fresh one.
            await AuthorizeAsync();
            var (exitCode, output) = await RunAsync("dotnet", ["run", "--no-build", "samples.cs"], variables, directory.FullName, TimeSpan.FromMinutes(2));
            foreach (var sample in csharp)
            {
                Assert.True(output.Contains($"SAMPLE-OK {sample.Name}\n", StringComparison.Ordinal), $"{sample.Name} did not run green (exit {exitCode}):\n{sample.Code}\n{output}");
                ran.Add(sample.Name);
            }

            Assert.Equal(0, exitCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        // Every sample ran, and the run is reported with its times.
        Assert.Equal(samples.Select(s => s.Name).Order(), ran.Order());
        Assert.True(variables.ContainsKey("CONNECTION_ID"), "The connections list never showed the connection the code exchange created.");
        Console.WriteLine($"Guide samples: set-up {setUp.TotalSeconds:0}s, bash {bash.TotalSeconds:0}s, C# run (compiled during set-up) {(clock.Elapsed - setUp - bash).TotalSeconds:0}s, total {clock.Elapsed.TotalSeconds:0}s, {ran.Count} samples run, none skipped.");
    }

    private static async Task<string> CreatePersonalAccessTokenAsync(IPage page, string portalUrl)
    {
        await page.GotoAsync($"{portalUrl}/api-tokens");
        await page.Locator("#Input_Name").FillAsync("Guide samples");
        await page.Locator("#Input_Read").CheckAsync();
        await page.Locator("#Input_Write").CheckAsync();
        await page.Locator("#Input_LifetimeDays").FillAsync("1");
        await page.Locator("#create-token-form button[type=submit]").ClickAsync();
        var token = await page.Locator("#new-token").InputValueAsync();
        Assert.StartsWith("gh_pat_", token, StringComparison.Ordinal);
        return token;
    }

    /// <summary>
    /// A PIE Partner app made through the management API, once PIE has it (bounded polling). With a
    /// redirect URI, it also selects the Class Partner API and registers the URI, for the code flow.
    /// </summary>
    private static async Task<(string ClientId, string Secret, string AppId)> CreatePartnerAppAsync(HttpClient portal, string name, string? redirectUri = null)
    {
        using var created = await portal.PostAsJsonAsync("apps", new { name, contactEmail = "dev@example.com", environment = "pie", appType = "partner" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var app = body.GetProperty("app");
        var id = app.GetProperty("id").GetString()!;
        if (redirectUri is not null)
        {
            using var selected = await portal.PutAsJsonAsync($"apps/{id}/apis", new { products = new[] { "class-partner-api" } });
            Assert.True(selected.IsSuccessStatusCode, await selected.Content.ReadAsStringAsync());
            using var registered = await portal.PostAsJsonAsync($"apps/{id}/redirect-uris", new { uri = redirectUri });
            Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
            app = await registered.Content.ReadFromJsonAsync<JsonElement>();
        }

        for (var i = 0; i < 100 && app.GetProperty("sync").GetProperty("state").GetString() != "synced"; i++)
        {
            await Task.Delay(200);
            app = await portal.GetFromJsonAsync<JsonElement>($"apps/{id}");
        }

        Assert.Equal("synced", app.GetProperty("sync").GetProperty("state").GetString());
        return (app.GetProperty("clientId").GetString()!, body.GetProperty("clientSecret").GetString()!, id);
    }

    private static async Task<string> RefreshTokenAsync(string pieUrl, JourneyResult journey)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, pieUrl + "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "password",
                ["username"] = journey.ApiUserName,
                ["password"] = journey.ApiUserPassword,
                ["scope"] = "target:b business.fund.list offline_access",
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(journey.ClientId)}:{Uri.EscapeDataString(journey.ClientSecret)}")));
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.TryGetProperty("refresh_token", out var refresh), json.ToString());
        return refresh.GetString()!;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, string[] arguments, IReadOnlyDictionary<string, string> variables, string directory, TimeSpan? limit = null)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, WebUtility.HtmlDecode(await output) + await error);
    }
}

public enum SampleMarker
{
    Unmarked,
    Run,
    Skip,
}

/// <summary>One fenced sample block of a guide, with this deployment's URLs filled in as the portal does.</summary>
public sealed record GuideSample(string Name, string Language, SampleMarker Marker, string Reason, string Code);

public static partial class GuideSamples
{
    private const string ResourcePrefix = "Gatehouse.Portal.Docs.Guides.";

    /// <summary>Every bash and C# block of every guide (the Markdown the portal embeds), in guide order.</summary>
    public static IReadOnlyList<GuideSample> Read(IReadOnlyDictionary<string, string> replacements)
    {
        var assembly = typeof(Gatehouse.Portal.PortalPlane).Assembly;
        var samples = new List<GuideSample>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var markdown = replacements.Aggregate(reader.ReadToEnd(), (text, r) => text.Replace(r.Key, r.Value, StringComparison.Ordinal));
            var guide = resource[ResourcePrefix.Length..^".md".Length];
            var index = 0;
            foreach (Match fence in Fence().Matches(markdown))
            {
                var language = fence.Groups["language"].Value.ToLowerInvariant() switch
                {
                    "sh" or "shell" => "bash",
                    "cs" => "csharp",
                    var other => other,
                };
                if (language is not ("bash" or "csharp"))
                {
                    continue;
                }

                var info = fence.Groups["info"].Value.Trim();
                var (marker, reason) = info switch
                {
                    "run" => (SampleMarker.Run, ""),
                    _ when info.StartsWith("skip:", StringComparison.Ordinal) && info.Length > "skip:".Length + 10 => (SampleMarker.Skip, info["skip:".Length..].Trim()),
                    _ => (SampleMarker.Unmarked, ""),
                };
                samples.Add(new GuideSample($"{guide}#{++index}-{language}", language, marker, reason, fence.Groups["code"].Value));
            }
        }

        return samples;
    }

    /// <summary>
    /// One file-based app holding every C# sample as a local function (their usings hoisted), calling
    /// the runnable ones in order and printing <c>SAMPLE-OK name</c> or <c>SAMPLE-FAIL name</c>.
    /// </summary>
    public static string CSharpProgram(IReadOnlyList<GuideSample> samples)
    {
        var program = new StringBuilder();
        program.AppendLine("#:package Duende.IdentityModel@8.1.0");
        // File-based apps default to Native AOT, which disables reflection-based JSON (anonymous types in
        // PostAsJsonAsync); a sample pasted into an ordinary console project does not have that limit.
        program.AppendLine("#:property PublishAot=false");
        var bodies = new List<(GuideSample Sample, string Body)>();
        var usings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var sample in samples)
        {
            var lines = sample.Code.Split('\n');
            usings.UnionWith(lines.Where(l => UsingDirective().IsMatch(l)).Select(l => l.Trim()));
            bodies.Add((sample, string.Join('\n', lines.Where(l => !UsingDirective().IsMatch(l)))));
        }

        foreach (var line in usings)
        {
            program.AppendLine(line);
        }

        program.AppendLine("var failed = 0;");
        for (var i = 0; i < bodies.Count; i++)
        {
            if (bodies[i].Sample.Marker != SampleMarker.Run)
            {
                continue;
            }

            program.AppendLine($$"""
                try { await Sample{{i}}(); Console.WriteLine("SAMPLE-OK {{bodies[i].Sample.Name}}"); }
                catch (Exception e) { failed++; Console.WriteLine("SAMPLE-FAIL {{bodies[i].Sample.Name}}: " + e); }
                """);
        }

        program.AppendLine("return failed;");
        for (var i = 0; i < bodies.Count; i++)
        {
            program.AppendLine($"// {bodies[i].Sample.Name} ({bodies[i].Sample.Marker}{(bodies[i].Sample.Reason.Length > 0 ? ": " + bodies[i].Sample.Reason : "")})");
            program.AppendLine($"static async Task Sample{i}()\n{{\n{bodies[i].Body}\nawait Task.CompletedTask;\n}}");
        }

        return program.ToString();
    }

    [GeneratedRegex(@"^```(?<language>[A-Za-z#]+)(?<info>[^\n]*)\n(?<code>.*?)^```[ \t]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*using\s+[A-Za-z0-9_.]+\s*;\s*$")]
    private static partial Regex UsingDirective();
}
