using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.ClassDirectory;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.SigningKeys;

/// <summary>
/// The environments' token signing keys for platform admins (ADR 0019): publish the next key ahead of
/// its activation, retire a previous one once nothing it signed is valid, or at once in an emergency.
/// Every publication and retirement is audited, refused ones too.
/// </summary>
[Authorize]
public sealed class SigningKeysModel(DirectoryConsole console, EnvironmentAdminClient client, AuditLog audit, TimeProvider clock) : PageModel
{
    public IReadOnlyList<EnvironmentKeys> Environments { get; private set; } = [];

    public string? Notice { get; private set; }

    [BindProperty]
    public PublishInput Publish { get; set; } = new();

    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await console.AdminAsync(User, cancellationToken) is null ? NotFound() : await ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostPublishAsync(string environment, CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is not { } admin || console.Find(environment) is not { } endpoint)
        {
            return NotFound();
        }

        DateTimeOffset? activatesAt = null;
        if (!string.IsNullOrWhiteSpace(Publish.ActivatesAt))
        {
            if (!DateTime.TryParse(Publish.ActivatesAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                ModelState.AddModelError("Publish.ActivatesAt", "Enter the activation as a date and time (UTC), e.g. 2026-12-01 09:00.");
                return await ShowAsync(cancellationToken);
            }

            activatesAt = new DateTimeOffset(parsed, TimeSpan.Zero);
        }

        var (ok, key) = await DirectoryConsole.TryAsync(endpoint, ModelState, nameof(Publish), () => client.PublishSigningKeyAsync(endpoint, activatesAt, cancellationToken), cancellationToken);
        await audit.WriteAsync("signing-key.published", ok ? AuditOutcome.Success : AuditOutcome.Failure, target: ok ? $"signing-key:{key!.KeyId}" : "signing-key",
            environment: environment, details: ok ? $"activatesAt={key!.ActivatesAt:O}" : Errors(),
            actorId: admin.DeveloperId, actorEmail: admin.Email, cancellationToken: cancellationToken);
        if (ok)
        {
            Notice = $"Published key {key!.KeyId} in {console.DisplayName(environment)}. It is in the JWKS now and signs from {key.ActivatesAt:yyyy-MM-dd HH:mm} UTC.";
            Publish = new();
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRetireAsync(string environment, string keyId, bool emergency, CancellationToken cancellationToken)
    {
        if (await console.AdminAsync(User, cancellationToken) is not { } admin || console.Find(environment) is not { } endpoint)
        {
            return NotFound();
        }

        var (ok, _) = await DirectoryConsole.TryAsync(endpoint, ModelState, "Retire", () => client.RetireSigningKeyAsync(endpoint, keyId, emergency, cancellationToken), cancellationToken);
        await audit.WriteAsync(emergency ? "signing-key.retired-emergency" : "signing-key.retired", ok ? AuditOutcome.Success : AuditOutcome.Failure,
            target: $"signing-key:{keyId}", environment: environment, details: ok ? null : Errors(),
            actorId: admin.DeveloperId, actorEmail: admin.Email, cancellationToken: cancellationToken);
        if (ok)
        {
            Notice = emergency
                ? $"Retired key {keyId} in {console.DisplayName(environment)}: every token it signed has stopped working."
                : $"Retired key {keyId} in {console.DisplayName(environment)}.";
        }

        return await ShowAsync(cancellationToken);
    }

    private string Errors() => string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage));

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var environments = new List<EnvironmentKeys>();
        foreach (var (key, endpoint) in console.Environments)
        {
            // One environment being down must not hide the others: its reason goes on its own section.
            var errors = new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary();
            var (_, keys) = await DirectoryConsole.TryAsync(endpoint, errors, "Keys", () => client.GetSigningKeysAsync(endpoint, cancellationToken), cancellationToken);
            environments.Add(new EnvironmentKeys(key, endpoint.DisplayName, keys, errors.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage).FirstOrDefault()));
        }

        Environments = environments;
        return Page();
    }

    public sealed record EnvironmentKeys(string Key, string DisplayName, IReadOnlyList<SigningKeyView>? Keys, string? Error);

    public sealed class PublishInput
    {
        [Display(Name = "Signs from (UTC)")]
        public string? ActivatesAt { get; set; }
    }
}
