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

    public static async Task<JsonElement> RunAsync(string script, object input)
    {
        var directory = InteropDirectory;
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")),
            "tests/interop/node_modules is missing: run ./scripts/test.sh (it runs npm ci there) or npm ci in tests/interop.");
        var start = new ProcessStartInfo("node", [script])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GATEHOUSE_INTEROP"] = JsonSerializer.Serialize(input);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        Assert.True(process.ExitCode == 0, $"node {script} failed ({process.ExitCode}): {text}\n{await error}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
