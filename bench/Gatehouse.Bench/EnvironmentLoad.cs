using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gatehouse.Environment;
using Gatehouse.Hosting.Contracts;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Bench;

/// <summary>
/// Starts a PIE environment plane in this process on a loopback port with a fresh database, provisions
/// a Client app and a sandbox through the admin API, then drives each hot path with a fixed number of
/// concurrent workers for a fixed time, and prints a Markdown table (and appends it to a file when
/// asked). Every loop is bounded by time and count, and only 127.0.0.1 is called.
/// </summary>
public static class EnvironmentLoad
{
    private const string AdminKey = "bench-admin-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ConfigurationBuilder().AddCommandLine(args).Build();
        var seconds = int.Parse(options["seconds"] ?? "10");
        var warmup = int.Parse(options["warmup"] ?? "5");
        var concurrency = int.Parse(options["concurrency"] ?? "8");
        var provider = options["provider"] ?? "Sqlite";
        var output = options["output"];

        var dataDirectory = Directory.CreateTempSubdirectory("gatehouse-bench-").FullName;
        var url = $"http://127.0.0.1:{FreePort()}";
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Environments:pie:Url"] = url,
            ["Environments:pie:DisplayName"] = "PIE",
            ["Environments:pie:IsSandbox"] = "true",
            ["Environments:pie:AdminApiKey"] = AdminKey,
            ["Environments:pie:Database:Provider"] = provider,
            ["Environments:pie:Database:ConnectionString"] = options["connection"],
            ["Logging:LogLevel:Default"] = "Warning",
            // The per-client limit (500/min) would turn the measurement into a 429 count.
            ["Environments:pie:RateLimits:PerMinute"] = "1000000000",

            // --shared-rate-limit true: count in the database (ADR 0016) to measure what that costs.
            ["Environments:pie:RateLimits:Shared"] = options["shared-rate-limit"] ?? "false",
        };
        await using var app = EnvironmentPlane.Build([], EnvironmentKeys.Pie, c => c.AddInMemoryCollection(settings));
        await app.StartAsync();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(url) };
        var setup = await ProvisionAsync(http);

        var scenarios = new (string Name, Func<Task<HttpStatusCode>> Call)[]
        {
            ("client_credentials token", () => TokenAsync(http, setup, "grant_type=client_credentials&scope=business.fund.list")),
            ("password grant token", () => TokenAsync(http, setup,
                $"grant_type=password&username={Uri.EscapeDataString(setup.UserName)}&password={Uri.EscapeDataString(setup.Password)}&scope=business.fund.list")),
            ("fund-list API call", () => FundListAsync(http, setup)),
        };

        var report = new StringBuilder();
        report.AppendLine($"| scenario | requests/s | p50 ms | p95 ms | p99 ms | errors |");
        report.AppendLine("|---|---|---|---|---|---|");
        // --only "fund-list": run just the scenarios whose name contains it.
        foreach (var (name, call) in scenarios.Where(s => options["only"] is not { } only || s.Name.Contains(only, StringComparison.Ordinal)))
        {
            await DriveAsync(call, concurrency, TimeSpan.FromSeconds(warmup));
            var result = await DriveAsync(call, concurrency, TimeSpan.FromSeconds(seconds));
            report.AppendLine(result.ToRow(name));
            Console.WriteLine(result.ToRow(name));
        }

        await app.StopAsync();
        var header = $"Environment plane on {provider}, {concurrency} concurrent workers in the same process, " +
            $"{warmup} s warm-up then {seconds} s per scenario, {System.Environment.ProcessorCount} cores, " +
            $"{DateTime.UtcNow:yyyy-MM-dd}, DOTNET_TieredPGO={System.Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? "default"}, " +
            $"DOTNET_TC_CallCountingDelayMs={System.Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") ?? "default"}.";
        Console.WriteLine();
        Console.WriteLine(header);
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, $"\n{header}\n\n{report}");
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; it is a temp folder.
        }

        return 0;
    }

    private sealed record Setup(Guid ClientId, string Secret, string BusinessCode, string UserName, string Password, string AccessToken);

    private static async Task<Setup> ProvisionAsync(HttpClient http)
    {
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var organisation = Guid.NewGuid();
        var userName = "bench-api-user";
        var password = "Bench-" + ClientSecrets.Generate();
        var sandboxResponse = await http.PutAsJsonAsync(EnvironmentAdminApi.Sandbox(organisation),
            new SandboxRequest("Bench Advisers", userName, password));
        sandboxResponse.EnsureSuccessStatusCode();
        var sandbox = (await sandboxResponse.Content.ReadFromJsonAsync<SandboxProvisioned>())!;

        var clientId = Guid.NewGuid();
        var secret = ClientSecrets.Generate();
        var descriptor = new ClientDescriptor("Bench app", AppTypes.Client, organisation, "Bench Advisers", sandbox.BusinessCode,
            [new ClientSecretHash(Guid.NewGuid(), ClientSecrets.Hash(secret), null)],
            ["business.fund.list", "fund.read"], [], Enabled: true);
        (await http.PutAsJsonAsync(EnvironmentAdminApi.Client(clientId), descriptor)).EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = null;

        var setup = new Setup(clientId, secret, sandbox.BusinessCode, userName, password, "");
        using var token = await PostTokenAsync(http, setup, "grant_type=client_credentials&scope=business.fund.list");
        token.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        return setup with { AccessToken = json.RootElement.GetProperty("access_token").GetString()! };
    }

    private static async Task<HttpStatusCode> TokenAsync(HttpClient http, Setup setup, string form)
    {
        using var response = await PostTokenAsync(http, setup, form);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostTokenAsync(HttpClient http, Setup setup, string form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{setup.ClientId}:{setup.Secret}")));
        return http.SendAsync(request);
    }

    private static async Task<HttpStatusCode> FundListAsync(HttpClient http, Setup setup)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/1.0/b/{setup.BusinessCode}/fund-data/fund-list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", setup.AccessToken);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private sealed record Result(int Count, int Errors, double Seconds, List<double> Latencies)
    {
        public string ToRow(string name)
        {
            Latencies.Sort();
            double P(double q) => Latencies.Count == 0 ? 0 : Latencies[Math.Min(Latencies.Count - 1, (int)(q * Latencies.Count))];
            return $"| {name} | {Count / Seconds:F0} | {P(0.50):F1} | {P(0.95):F1} | {P(0.99):F1} | {Errors} |";
        }
    }

    private static async Task<Result> DriveAsync(Func<Task<HttpStatusCode>> call, int concurrency, TimeSpan duration)
    {
        const int maxRequestsPerWorker = 1_000_000;
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async w =>
        {
            latencies[w] = [];
            for (var i = 0; i < maxRequestsPerWorker && clock.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var status = await call();
                latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var all = latencies.SelectMany(l => l).ToList();
        return new Result(all.Count, errors, clock.Elapsed.TotalSeconds, all);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
