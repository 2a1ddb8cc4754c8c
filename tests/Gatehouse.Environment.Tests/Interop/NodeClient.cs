using System.Diagnostics;
using System.Text.Json;

namespace Gatehouse.Environment.Tests.Interop;

/// <summary>Runs one of the node scripts in tests/interop (npm packages installed by scripts/test.sh).</summary>
public static class NodeClient
{
    public static string InteropDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "interop");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("tests/interop not found above the test binaries.");
        }
    }

    public static Task<JsonElement> RunAsync(string script, object input) =>
        RunAsync(script, input, browser: null);

    /// <summary>
    /// Runs a script that may stop half-way for a browser: it writes one JSON line
    /// <c>{"authorize": url}</c> and waits for one line on stdin (the callback URL); the
    /// <paramref name="browser"/> turns the first into the second. The last line is the result.
    /// </summary>
    public static async Task<JsonElement> RunAsync(string script, object input, Func<string, Task<string>>? browser)
    {
        var directory = InteropDirectory;
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")),
            "tests/interop/node_modules is missing: run ./scripts/test.sh (it runs npm ci there) or npm ci in tests/interop.");
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GATEHOUSE_INTEROP"] = JsonSerializer.Serialize(input);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var lines = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("{\"authorize\":", StringComparison.Ordinal))
                {
                    Assert.NotNull(browser);
                    var url = JsonDocument.Parse(line).RootElement.GetProperty("authorize").GetString()!;
                    var callback = await browser(url);
                    await process.StandardInput.WriteLineAsync(callback);
                    await process.StandardInput.FlushAsync();
                }
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var text = lines.Count > 0 ? lines[^1] : "";
        Assert.True(process.ExitCode == 0, $"node {script} failed ({process.ExitCode}): {string.Join('\n', lines)}\n{await error}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
