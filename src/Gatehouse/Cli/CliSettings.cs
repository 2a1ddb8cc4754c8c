using System.Text.Json;

namespace Gatehouse.Cli;

/// <summary>
/// Where the CLI finds the portal and the personal access token: <c>--portal</c>/<c>--token</c>,
/// then <c>GATEHOUSE_PORTAL</c>/<c>GATEHOUSE_TOKEN</c>, then what <c>gatehouse login</c> saved. The
/// saved file holds only the portal URL and the token the user gave (no password, no client secret),
/// readable by its owner only (ADR 0015).
/// </summary>
public sealed record CliSettings(string? Portal, string? Token)
{
    public const string DefaultPortal = "http://localhost:5000";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary><c>GATEHOUSE_CLI_CONFIG</c>, else <c>~/.config/gatehouse/cli.json</c> (or the platform's equivalent).</summary>
    public static string DefaultPath(Func<string, string?> environment) =>
        environment("GATEHOUSE_CLI_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.ApplicationData, System.Environment.SpecialFolderOption.DoNotVerify), "gatehouse", "cli.json");

    public static CliSettings Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CliSettings>(File.ReadAllText(path), Json) ?? new(null, null) : new(null, null);
        }
        catch (JsonException)
        {
            return new(null, null);
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // The token is a credential: owner read/write only (created so, never widened after).
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
