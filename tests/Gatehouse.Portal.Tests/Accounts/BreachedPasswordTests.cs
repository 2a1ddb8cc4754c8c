using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Hosting.Database;
using Gatehouse.Portal.Accounts;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Portal.Tests.Accounts;

/// <summary>
/// The opt-in Have I Been Pwned range check (ADR 0011), against a local range server on Kestrel: only
/// a 5-character SHA-1 prefix leaves the portal, padding is asked for, a listed suffix is refused, and
/// an unreachable API fails open with a warning.
/// </summary>
public sealed class BreachedPasswordTests
{
    private const string Breached = "an unusual but breached passphrase";
    private const string PaddingOnly = "a passphrase that only matches padding";

    [Fact]
    public async Task SignUp_PasswordInBreachApi_RefusedAndOnlyPrefixSent()
    {
        await using var range = await RangeServer.StartAsync();
        await using var portal = await PortalUnderTest.StartAsync(DatabaseProvider.Sqlite, overrides: new Dictionary<string, string?>
        {
            ["Portal:PasswordBreachCheck:RangeUrl"] = range.Url + "/range/",
        });

        using var refused = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "dev@acme-advisers.com.au", Breached);
        using var accepted = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "other@acme-advisers.com.au", PaddingOnly);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(
            "This password has appeared in a data breach: choose another one, for example a few unrelated words.",
            (await Browser.DocumentAsync(refused)).QuerySelector("[data-valmsg-for='Input.Password']")?.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(["other@acme-advisers.com.au"], await portal.QueryAsync(db => db.Users.Select(u => u.Email!).ToListAsync()));
        // k-anonymity: the API saw 5-character prefixes (never a whole hash) and was asked to pad.
        // (The accepted one is checked twice: by the page before the address is looked up, and by Identity when creating the account.)
        Assert.Equal([Sha1(Breached)[..5], Sha1(PaddingOnly)[..5]], range.Prefixes.Select(r => r.Prefix).Distinct());
        Assert.All(range.Prefixes, r => Assert.Equal("true", r.Padding));
    }

    [Fact]
    public async Task SignUp_BreachApiUnreachable_AcceptedAndWarningLogged()
    {
        var warnings = new ConcurrentQueue<string>();
        await using var portal = await PortalUnderTest.StartAsync(
            DatabaseProvider.Sqlite,
            overrides: new Dictionary<string, string?> { ["Portal:PasswordBreachCheck:RangeUrl"] = FreePort.NextUrl() + "/range/" },
            configureServices: s => s.AddLogging(l => l.AddProvider(new WarningRecorder(warnings))));

        using var signUp = await PortalUnderTest.SignUpAsync(portal.NewBrowser(), "dev@acme-advisers.com.au", Breached);

        Assert.Equal(HttpStatusCode.Redirect, signUp.StatusCode);
        Assert.Equal(1, await portal.QueryAsync(db => db.Users.CountAsync()));
        Assert.Contains(warnings, w => w.Contains("breached-password check", StringComparison.Ordinal) && w.Contains("could not be reached", StringComparison.Ordinal));
    }

#pragma warning disable CA5350 // The range API's index, as the portal computes it.
    private static string Sha1(string password) => Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
#pragma warning restore CA5350

    /// <summary>A stand-in for api.pwnedpasswords.com/range: knows <see cref="Breached"/> (seen 42 times) and pads with count-0 lines, one of them <see cref="PaddingOnly"/>'s suffix.</summary>
    private sealed class RangeServer : IAsyncDisposable
    {
        private readonly WebApplication app;

        private RangeServer(WebApplication app, string url)
        {
            this.app = app;
            Url = url;
        }

        public string Url { get; }

        public ConcurrentQueue<(string Prefix, string? Padding)> Prefixes { get; } = new();

        public static async Task<RangeServer> StartAsync()
        {
            var url = FreePort.NextUrl();
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(RangeServer).Assembly.GetName().Name });
            builder.WebHost.UseUrls(url);
            builder.Logging.ClearProviders();
            var server = new RangeServer(builder.Build(), url);
            server.app.MapGet("/range/{prefix}", (string prefix, HttpRequest request) =>
            {
                server.Prefixes.Enqueue((prefix, request.Headers["Add-Padding"].ToString()));
                var lines = new List<string> { "0000000000000000000000000000000000A:0" };
                foreach (var (password, count) in new[] { (Breached, 42), (PaddingOnly, 0) })
                {
                    var hash = Sha1(password);
                    if (hash.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        lines.Add($"{hash[5..]}:{count}");
                    }
                }

                return Results.Text(string.Join("\r\n", lines), "text/plain");
            });
            await server.app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class WarningRecorder(ConcurrentQueue<string> warnings) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(warnings);

        public void Dispose()
        {
        }

        private sealed class Recorder(ConcurrentQueue<string> warnings) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    warnings.Enqueue(formatter(state, exception));
                }
            }
        }
    }
}
