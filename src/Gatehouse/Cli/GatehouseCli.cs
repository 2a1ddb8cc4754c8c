using System.Text.Json;
using Gatehouse.Portal.ManagementApi;

namespace Gatehouse.Cli;

/// <summary>Where the CLI writes, what it reads from the environment, and where <c>login</c> saves.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, Func<string, string?> Environment, string SettingsPath, HttpMessageHandler? Handler = null)
{
    public static CliContext FromProcess()
    {
        Func<string, string?> environment = System.Environment.GetEnvironmentVariable;
        return new CliContext(Console.Out, Console.Error, environment, CliSettings.DefaultPath(environment));
    }
}

/// <summary>
/// <c>gatehouse apps …</c>, <c>gatehouse login</c>, <c>gatehouse logout</c>: the common app tasks
/// through the management API, for people and scripts. Human-readable output, or the API's JSON with
/// <c>--json</c>. Exit codes: 0 done, 1 the portal refused or could not be reached, 2 usage error.
/// A client secret is printed once, by the command that issued it, and never again.
/// </summary>
public static class GatehouseCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    private static readonly string[] Commands = ["apps", "login", "logout", "help"];

    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public const string UsageText = """
        Usage:
          gatehouse login [--portal URL] [--token TOKEN]     check a personal access token and remember it
          gatehouse logout                                   forget the saved token
          gatehouse apps list
          gatehouse apps show APP_ID
          gatehouse apps create --name NAME --environment pie|production --type client|partner
                                [--contact-email EMAIL] [--description TEXT]
          gatehouse apps rotate-secret APP_ID [--overlap-days 0-90]   (default 7: the current secret keeps working that long)
          gatehouse apps revoke-secret APP_ID SECRET_ID
          gatehouse apps delete APP_ID

        Options: --portal URL (or GATEHOUSE_PORTAL; default http://localhost:5000),
                 --token TOKEN (or GATEHOUSE_TOKEN; a personal access token from the portal's API tokens page),
                 --json (print the API's JSON).
        Without a command, gatehouse runs the portal and environments (see --role).
        """;

    /// <summary>Whether these arguments ask for the CLI rather than the server.</summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (Commands.Contains(args[0], StringComparer.Ordinal) || args[0] is "--help" or "-h");

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var (arguments, error) = CliArguments.Parse(args);
        if (arguments is null || arguments.Help || arguments.Positional.Count == 0 || arguments.Positional[0] == "help")
        {
            if (error is not null)
            {
                await context.Error.WriteLineAsync(error);
            }

            await (error is null ? context.Out : context.Error).WriteLineAsync(UsageText);
            return error is null ? Ok : Usage;
        }

        var saved = CliSettings.Load(context.SettingsPath);
        var portal = (arguments.Option("portal") ?? context.Environment("GATEHOUSE_PORTAL") ?? saved.Portal ?? CliSettings.DefaultPortal).TrimEnd('/');
        var token = arguments.Option("token") ?? context.Environment("GATEHOUSE_TOKEN") ?? saved.Token;
        if (!Uri.TryCreate(portal, UriKind.Absolute, out var portalUri) || portalUri.Scheme is not ("http" or "https"))
        {
            return await UsageErrorAsync(context, $"--portal must be an http(s) URL (got '{portal}').");
        }

        if (arguments.Positional[0] == "logout")
        {
            File.Delete(context.SettingsPath);
            await context.Out.WriteLineAsync("Forgot the saved token.");
            return Ok;
        }

        if (string.IsNullOrEmpty(token))
        {
            return await UsageErrorAsync(context, "No personal access token: pass --token, set GATEHOUSE_TOKEN, or run gatehouse login. Create one on the portal's API tokens page.");
        }

        using var http = context.Handler is null ? new HttpClient() : new HttpClient(context.Handler, disposeHandler: false);
        http.BaseAddress = new Uri(portal + "/");
        http.Timeout = TimeSpan.FromSeconds(30);
        var api = new PortalApi(http, token);
        var commands = new AppCommands(api, arguments, context, portal);
        try
        {
            return arguments.Positional switch
            {
                ["login"] => await commands.LoginAsync(token, cancellationToken),
                ["apps", "list"] => await commands.ListAsync(cancellationToken),
                ["apps", "show", var id] => await commands.ShowAsync(id, cancellationToken),
                ["apps", "create"] => await commands.CreateAsync(cancellationToken),
                ["apps", "rotate-secret", var id] => await commands.RotateAsync(id, cancellationToken),
                ["apps", "revoke-secret", var id, var secretId] => await commands.RevokeAsync(id, secretId, cancellationToken),
                ["apps", "delete", var id] => await commands.DeleteAsync(id, cancellationToken),
                _ => await UsageErrorAsync(context, $"Unknown command: gatehouse {string.Join(' ', arguments.Positional)}"),
            };
        }
        catch (HttpRequestException e)
        {
            await context.Error.WriteLineAsync($"Error: could not reach the portal at {portal}: {e.Message}");
            return Failed;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync($"Error: the portal at {portal} did not answer in time.");
            return Failed;
        }
    }

    internal static async Task<int> UsageErrorAsync(CliContext context, string message)
    {
        await context.Error.WriteLineAsync(message);
        await context.Error.WriteLineAsync("Run 'gatehouse help' for usage.");
        return Usage;
    }

    /// <summary>A refusal from the API, as its ProblemDetails says it (title, detail, field errors), on stderr.</summary>
    internal static async Task<int> ProblemAsync(CliContext context, ApiAnswer answer, bool json)
    {
        if (json && answer.Json is { } body)
        {
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(body, Pretty));
        }

        var title = answer.Json is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("title", out var t) ? t.GetString() : null;
        await context.Error.WriteLineAsync($"Error: {title ?? (answer.Body.Length is > 0 and < 500 ? answer.Body : "the portal refused the request.")} (HTTP {answer.Status})");
        if (answer.Json is { ValueKind: JsonValueKind.Object } details)
        {
            if (details.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text)
            {
                await context.Error.WriteLineAsync("  " + text);
            }

            if (details.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        await context.Error.WriteLineAsync($"  {(field.Name.Length > 0 ? field.Name + ": " : "")}{message.GetString()}");
                    }
                }
            }
        }

        if (answer.Status == 401)
        {
            await context.Error.WriteLineAsync("  Check the token (--token, GATEHOUSE_TOKEN or gatehouse login): it may be mistyped, expired or revoked.");
        }

        return Failed;
    }

    internal static string Indented(JsonElement json) => JsonSerializer.Serialize(json, Pretty);
}
