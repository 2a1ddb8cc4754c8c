using System.Globalization;
using System.Text.Json;
using Gatehouse.Portal.ManagementApi;

namespace Gatehouse.Cli;

/// <summary>The CLI's commands, each one management API call (or two) and a plain-text rendering of the answer.</summary>
internal sealed class AppCommands(PortalApi api, CliArguments arguments, CliContext context, string portal)
{
    private TextWriter Out => context.Out;

    public async Task<int> LoginAsync(string token, CancellationToken cancellationToken)
    {
        // A read call proves the token works before it is saved.
        var answer = await api.SendAsync(HttpMethod.Get, "api/v1/apps", null, cancellationToken);
        if (!answer.IsSuccess)
        {
            return await GatehouseCli.ProblemAsync(context, answer, json: false);
        }

        new CliSettings(portal, token).Save(context.SettingsPath);
        await Out.WriteLineAsync($"Signed in to {portal}. The token is saved in {context.SettingsPath} (readable only by you); 'gatehouse logout' forgets it.");
        return GatehouseCli.Ok;
    }

    public async Task<int> ListAsync(CancellationToken cancellationToken)
    {
        var answer = await api.SendAsync(HttpMethod.Get, "api/v1/apps", null, cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        var apps = Read<List<AppResource>>(answer);
        if (apps.Count == 0)
        {
            await Out.WriteLineAsync("No apps yet. Create one with: gatehouse apps create --name NAME --environment pie --type client");
            return GatehouseCli.Ok;
        }

        await WriteTableAsync(
            ["ID", "NAME", "ENVIRONMENT", "TYPE", "STATUS", "SYNC", "CLIENT ID"],
            apps.Select(a => new[] { a.Id.ToString(), a.Name, a.Environment, a.AppType, a.Status, a.Sync.State, a.ClientId.ToString() }));
        return GatehouseCli.Ok;
    }

    public async Task<int> ShowAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var appId))
        {
            return await GatehouseCli.UsageErrorAsync(context, $"APP_ID must be an app's id (a GUID); got '{id}'.");
        }

        var answer = await api.SendAsync(HttpMethod.Get, $"api/v1/apps/{appId}", null, cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        await WriteAppAsync(Read<AppResource>(answer));
        return GatehouseCli.Ok;
    }

    public async Task<int> CreateAsync(CancellationToken cancellationToken)
    {
        var request = new CreateAppRequest(
            arguments.Option("name"), arguments.Option("description"), arguments.Option("contact-email"), arguments.Option("logo-url"),
            arguments.Option("environment"), arguments.Option("type"));
        var answer = await api.SendAsync(HttpMethod.Post, "api/v1/apps", request, cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        var created = Read<CreatedAppResource>(answer);
        await WriteAppAsync(created.App);
        await WriteSecretOnceAsync(created.App.ClientId, created.ClientSecret);
        return GatehouseCli.Ok;
    }

    public async Task<int> RotateAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var appId))
        {
            return await GatehouseCli.UsageErrorAsync(context, $"APP_ID must be an app's id (a GUID); got '{id}'.");
        }

        var overlap = 7;
        if (arguments.Option("overlap-days") is { } days && (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out overlap) || overlap > 90))
        {
            return await GatehouseCli.UsageErrorAsync(context, "--overlap-days must be a whole number from 0 to 90.");
        }

        var answer = await api.SendAsync(HttpMethod.Post, $"api/v1/apps/{appId}/secrets",
            new RotateSecretRequest(DateTimeOffset.UtcNow.AddDays(overlap)), cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        var issued = Read<IssuedSecretResource>(answer);
        await Out.WriteLineAsync($"New secret {issued.Secret.Id} (ends {Hint(issued.Secret.Hint)}) issued.");
        await Out.WriteLineAsync(overlap == 0
            ? "The previous secrets stopped working now."
            : $"The previous secrets keep working for {overlap} day{(overlap == 1 ? "" : "s")}; revoke them sooner with 'gatehouse apps revoke-secret'.");
        await WriteSecretOnceAsync(null, issued.ClientSecret);
        return GatehouseCli.Ok;
    }

    public async Task<int> RevokeAsync(string id, string secretId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var appId) || !Guid.TryParse(secretId, out var secret))
        {
            return await GatehouseCli.UsageErrorAsync(context, "APP_ID and SECRET_ID must be ids (GUIDs); 'gatehouse apps show APP_ID' lists the secrets.");
        }

        var answer = await api.SendAsync(HttpMethod.Delete, $"api/v1/apps/{appId}/secrets/{secret}", null, cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        await Out.WriteLineAsync($"Secret {secret} revoked: it gets invalid_client from now on.");
        await WriteAppAsync(Read<AppResource>(answer));
        return GatehouseCli.Ok;
    }

    public async Task<int> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var appId))
        {
            return await GatehouseCli.UsageErrorAsync(context, $"APP_ID must be an app's id (a GUID); got '{id}'.");
        }

        var answer = await api.SendAsync(HttpMethod.Delete, $"api/v1/apps/{appId}", null, cancellationToken);
        if (await FailedAsync(answer) is { } failed)
        {
            return failed;
        }

        if (arguments.Json)
        {
            await Out.WriteLineAsync(GatehouseCli.Indented(JsonSerializer.SerializeToElement(new { deleted = appId })));
            return GatehouseCli.Ok;
        }

        await Out.WriteLineAsync($"App {appId} deleted: its client and tokens are removed from the environment.");
        return GatehouseCli.Ok;
    }

    /// <summary>Null when the call succeeded (and, with --json, the JSON was printed); otherwise the exit code after reporting.</summary>
    private async Task<int?> FailedAsync(ApiAnswer answer)
    {
        if (!answer.IsSuccess)
        {
            return await GatehouseCli.ProblemAsync(context, answer, arguments.Json);
        }

        if (arguments.Json && answer.Json is { } json)
        {
            await Out.WriteLineAsync(GatehouseCli.Indented(json));
            return GatehouseCli.Ok;
        }

        return null;
    }

    private static T Read<T>(ApiAnswer answer) =>
        answer.Json is { } json ? json.Deserialize<T>(PortalApi.Json)! : throw new HttpRequestException("The portal answered without a JSON body.");

    private async Task WriteAppAsync(AppResource app)
    {
        var rows = new List<(string, string)>
        {
            ("Name", app.Name),
            ("App ID", app.Id.ToString()),
            ("Client ID", app.ClientId.ToString()),
            ("Environment", app.Environment),
            ("Type", app.AppType),
            ("Status", app.Status),
            ("Sync", app.Sync.Error is null ? app.Sync.State : $"{app.Sync.State}: {app.Sync.Error}"),
            ("Contact email", app.ContactEmail),
            ("Selected API", app.Products.Count == 0 ? "none" : string.Join(", ", app.Products)),
        };
        if (app.Description is { Length: > 0 } description)
        {
            rows.Insert(1, ("Description", description));
        }

        if (app.ReviewNote is { Length: > 0 } note)
        {
            rows.Add(("Note from Class", note));
        }

        foreach (var (name, value) in rows)
        {
            await Out.WriteLineAsync($"{name + ":",-15} {value}");
        }

        if (app.RedirectUris.Count > 0)
        {
            await Out.WriteLineAsync("Redirect URIs:");
            foreach (var uri in app.RedirectUris)
            {
                await Out.WriteLineAsync($"  {uri.Uri} ({uri.Status})");
            }
        }

        await Out.WriteLineAsync("Secrets:");
        await WriteTableAsync(
            ["  SECRET ID", "HINT", "CREATED", "EXPIRES", "LAST USED", "STATE"],
            app.Secrets.Select(s => new[]
            {
                "  " + s.Id,
                Hint(s.Hint),
                Date(s.CreatedAt),
                s.ExpiresAt is { } expires ? Date(expires) : "never",
                !s.LastUsedKnown ? "unknown" : s.LastUsedAt is { } used ? Date(used) : "never",
                s.RevokedAt is not null ? "revoked" : s.Active ? "active" : "expired",
            }));
    }

    private async Task WriteSecretOnceAsync(Guid? clientId, string secret)
    {
        await Out.WriteLineAsync();
        if (clientId is { } id)
        {
            await Out.WriteLineAsync($"Client ID:     {id}");
        }

        await Out.WriteLineAsync($"Client secret: {secret}");
        await Out.WriteLineAsync("Store the secret now (in a secret store, not in source code): it is shown only this once.");
    }

    private async Task WriteTableAsync(string[] headings, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(headings).ToList();
        var widths = headings.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await Out.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    private static string Hint(string hint) => "…" + hint;

    private static string Date(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
