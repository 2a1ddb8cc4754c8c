using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Audit;
using Gatehouse.Portal.Catalogue;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Apps;

/// <summary>What a developer may set on an app (MT3: nothing else binds: not status, organisation, environment or client id).</summary>
public sealed record AppFields(string? Name, string? Description, string? ContactEmail, string? LogoUrl);

/// <summary>Field errors keyed like the management API's JSON (name, contactEmail, ...); empty means success.</summary>
public sealed class LifecycleErrors : Dictionary<string, string[]>
{
    /// <summary>Field → a stable error code, where the rule has one (the environment's, for contract rules such as redirect URIs).</summary>
    public Dictionary<string, string> Codes { get; } = [];

    public LifecycleErrors Add(string field, string message)
    {
        this[field] = [message];
        return this;
    }

    public static LifecycleErrors One(string field, string message) => new LifecycleErrors().Add(field, message);

    public static LifecycleErrors One(string field, RedirectUriProblem problem)
    {
        var errors = One(field, problem.Message);
        errors.Codes[field] = problem.Code;
        return errors;
    }
}

public sealed record AppCreated(App App, string Secret);

public sealed record SecretIssued(AppSecret Secret, string Plaintext);

/// <summary>
/// Every change a developer can make to an app, shared by the Razor Pages and the management API so
/// the two cannot drift: validate, change the desired state, bump the revision, audit (never the
/// secret; the hint is fine), save, then push best effort (the provisioning worker retries).
/// </summary>
public sealed class AppLifecycle(PortalDbContext db, PortalEnvironments environments, Provisioner provisioner, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(90);

    /// <summary>The organisation's app, with secrets and redirect URIs, tracked; null when it is not theirs (or deleted).</summary>
    public Task<App?> FindAsync(Member member, Guid appId, CancellationToken cancellationToken) =>
        db.Apps.Include(a => a.Secrets).Include(a => a.RedirectUris)
            .SingleOrDefaultAsync(a => a.Id == appId && a.OrganisationId == member.OrganisationId && a.DeletedAt == null, cancellationToken);

    public Task<List<App>> ListAsync(Member member, CancellationToken cancellationToken) =>
        db.Apps.AsNoTracking().Include(a => a.Secrets).Include(a => a.RedirectUris)
            .Where(a => a.OrganisationId == member.OrganisationId && a.DeletedAt == null)
            .OrderBy(a => a.Name).ToListAsync(cancellationToken);

    public async Task<(AppCreated? Created, LifecycleErrors Errors)> CreateAsync(Member member, AppFields fields, string? environment, string? appType, CancellationToken cancellationToken)
    {
        var errors = ValidateFields(fields);
        foreach (var (field, messages) in ValidateChoices(environment ?? "", appType ?? ""))
        {
            errors[field] = messages;
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var app = NewApp(member, fields, environment!, appType!);
        var issued = IssueSecret(app, expiresAt: null);
        db.Apps.Add(app);
        audit.Add("app.create", AuditOutcome.Success, member.OrganisationId, $"app:{app.Id}", app.EnvironmentKey,
            $"client_id {app.ClientId}, type {app.AppType}, status {app.Status}, secret hint {issued.Secret.Hint}", member.DeveloperId, member.Email);
        await db.SaveChangesAsync(cancellationToken);
        await provisioner.SyncAppAsync(app.Id, cancellationToken);
        return (new AppCreated(app, issued.Plaintext), errors);
    }

    /// <summary>"Create the Production twin": a new Production app with this app's settings, its redirect URIs awaiting approval.</summary>
    public async Task<(AppCreated? Created, LifecycleErrors Errors)> CreateProductionTwinAsync(Member member, App source, CancellationToken cancellationToken)
    {
        var production = environments.All.FirstOrDefault(e => !e.Value.IsSandbox);
        if (production.Value is null || source.EnvironmentKey == production.Key)
        {
            return (null, LifecycleErrors.One("environment", "Only a PIE app has a Production twin."));
        }

        var name = source.Name.EndsWith("-PIE", StringComparison.OrdinalIgnoreCase) ? source.Name[..^4] + "-Prod" : source.Name + " (Production)";
        var app = NewApp(member, new AppFields(name[..Math.Min(name.Length, MaxNameLength)], source.Description, source.ContactEmail, source.LogoUrl), production.Key, source.AppType);
        app.ProductCodes = [.. source.ProductCodes];
        foreach (var uri in source.RedirectUris.Where(u => u.Status == RedirectUriStatus.Approved && RedirectUriRules.Check(u.Uri, isSandbox: false) is null))
        {
            app.RedirectUris.Add(new AppRedirectUri { Id = Guid.CreateVersion7(), Uri = uri.Uri, Status = RedirectUriStatus.Pending, CreatedAt = app.CreatedAt });
        }

        var issued = IssueSecret(app, expiresAt: null);
        db.Apps.Add(app);
        audit.Add("app.create", AuditOutcome.Success, member.OrganisationId, $"app:{app.Id}", app.EnvironmentKey,
            $"Production twin of app:{source.Id}; client_id {app.ClientId}, secret hint {issued.Secret.Hint}", member.DeveloperId, member.Email);
        await db.SaveChangesAsync(cancellationToken);
        await provisioner.SyncAppAsync(app.Id, cancellationToken);
        return (new AppCreated(app, issued.Plaintext), []);
    }

    public async Task<LifecycleErrors> UpdateAsync(Member member, App app, AppFields fields, CancellationToken cancellationToken)
    {
        var errors = ValidateFields(fields);
        if (errors.Count > 0)
        {
            return errors;
        }

        app.Name = fields.Name!.Trim();
        app.Description = Blank(fields.Description);
        app.ContactEmail = fields.ContactEmail!.Trim();
        app.LogoUrl = Blank(fields.LogoUrl);
        return await CommitAsync(member, app, "app.update", $"name {app.Name}", cancellationToken);
    }

    /// <summary>Marks the app deleted; the environment deletes the client (revoking its tokens) now or when it is back.</summary>
    public async Task<LifecycleErrors> DeleteAsync(Member member, App app, CancellationToken cancellationToken)
    {
        app.DeletedAt = clock.GetUtcNow();
        return await CommitAsync(member, app, "app.delete", $"client_id {app.ClientId}", cancellationToken);
    }

    public async Task<LifecycleErrors> SetProductsAsync(Member member, App app, IEnumerable<string> selected, CancellationToken cancellationToken)
    {
        var wanted = selected.ToHashSet(StringComparer.Ordinal);
        // Selectable products, plus hidden ones the app already has (hiding never takes scopes away).
        var known = (await ProductRules.Selectable(db.ApiProducts.AsNoTracking()).Select(p => p.Code).ToListAsync(cancellationToken))
            .Union(app.ProductCodes, StringComparer.Ordinal).ToList();
        if (wanted.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
        {
            return LifecycleErrors.One("products", $"Unknown API product '{unknown}'.");
        }

        app.ProductCodes = [.. known.Where(wanted.Contains).Order(StringComparer.Ordinal)];
        return await CommitAsync(member, app, "app.apis.update", "products: " + string.Join(", ", app.ProductCodes), cancellationToken);
    }

    /// <summary>
    /// Rotation: a new secret; the secrets already active keep working until <paramref name="previousExpiresAt"/>
    /// (now = at once), so clients can switch over without downtime.
    /// </summary>
    public async Task<(SecretIssued? Issued, LifecycleErrors Errors)> RotateSecretAsync(Member member, App app, DateTimeOffset previousExpiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var active = app.Secrets.Where(s => s.IsActive(now)).ToList();
        if (active.Count >= AppSecret.MaxActive)
        {
            return (null, LifecycleErrors.One("secret", $"An app has at most {AppSecret.MaxActive} active secrets: revoke one first."));
        }

        if (previousExpiresAt > now + MaxOverlap)
        {
            return (null, LifecycleErrors.One("previousExpiresAt", $"Pick an expiry for the current secret between now and {MaxOverlap.Days} days from now."));
        }

        // A time already past (including "now" read a moment ago) means: stop at once.
        if (previousExpiresAt < now)
        {
            previousExpiresAt = now;
        }

        foreach (var secret in active.Where(s => s.ExpiresAt is not { } e || e > previousExpiresAt))
        {
            secret.ExpiresAt = previousExpiresAt;
        }

        var issued = IssueSecret(app, expiresAt: null);
        var errors = await CommitAsync(member, app, "app.secret.rotate",
            $"new secret hint {issued.Secret.Hint}; previous secrets ({string.Join(", ", active.Select(s => s.Hint))}) expire {previousExpiresAt:O}", cancellationToken);
        return errors.Count > 0 ? (null, errors) : (issued, errors);
    }

    public async Task<LifecycleErrors> RevokeSecretAsync(Member member, App app, Guid secretId, CancellationToken cancellationToken)
    {
        if (app.Secrets.SingleOrDefault(s => s.Id == secretId) is not { } secret)
        {
            return LifecycleErrors.One("secret", "No such secret.");
        }

        if (secret.RevokedAt is not null)
        {
            return [];
        }

        secret.RevokedAt = clock.GetUtcNow();
        return await CommitAsync(member, app, "app.secret.revoke", $"secret hint {secret.Hint}", cancellationToken);
    }

    public async Task<(AppRedirectUri? Added, LifecycleErrors Errors)> AddRedirectUriAsync(Member member, App app, string? uri, CancellationToken cancellationToken)
    {
        if (app.AppType != AppTypes.Partner)
        {
            return (null, LifecycleErrors.One("uri", "Only Partner (multi-tenant) apps have redirect URIs."));
        }

        var isSandbox = environments.Find(app.EnvironmentKey)?.IsSandbox == true;
        var live = app.RedirectUris.Where(u => u.Status != RedirectUriStatus.Rejected).ToList();
        // The environment's own rule (Gatehouse.Hosting.Contracts), with its code and message, so the
        // portal never stores a URI the environment would refuse (docs/security-checklist.md §1.1).
        if (RedirectUriRules.Check(uri, isSandbox) is { } problem)
        {
            return (null, LifecycleErrors.One("uri", problem));
        }

        if (live.Count >= RedirectUriRules.MaxPerApp)
        {
            return (null, LifecycleErrors.One("uri", RedirectUriRules.TooMany));
        }

        // Exact string comparison, as the authorization server does.
        if (app.RedirectUris.Any(u => string.Equals(u.Uri, uri, StringComparison.Ordinal)))
        {
            return (null, LifecycleErrors.One("uri", RedirectUriRules.Duplicate));
        }

        var added = new AppRedirectUri
        {
            Id = Guid.CreateVersion7(),
            AppId = app.Id,
            Uri = uri!,
            // PIE: at once. Production: after a platform admin approves it.
            Status = isSandbox ? RedirectUriStatus.Approved : RedirectUriStatus.Pending,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(added);
        app.RedirectUris.Add(added);
        var errors = await CommitAsync(member, app, "app.redirect_uri.add", $"{added.Uri} ({added.Status})", cancellationToken);
        return errors.Count > 0 ? (null, errors) : (added, errors);
    }

    public async Task<LifecycleErrors> RemoveRedirectUriAsync(Member member, App app, Guid redirectUriId, CancellationToken cancellationToken)
    {
        if (app.RedirectUris.SingleOrDefault(u => u.Id == redirectUriId) is not { } uri)
        {
            return LifecycleErrors.One("uri", "No such redirect URI.");
        }

        app.RedirectUris.Remove(uri);
        db.Remove(uri);
        return await CommitAsync(member, app, "app.redirect_uri.remove", uri.Uri, cancellationToken);
    }

    /// <summary>The developer asks for Production access with the checklist; a platform admin decides.</summary>
    public async Task<LifecycleErrors> RequestProductionAccessAsync(Member member, App app, ProductionChecklist checklist, CancellationToken cancellationToken)
    {
        if (app.Status != AppStatus.PendingApproval)
        {
            return LifecycleErrors.One("status", app.Status == AppStatus.Active ? "This app is already approved." : "A suspended app cannot request access; contact Class.");
        }

        if (checklist.Problems() is { Count: > 0 } problems)
        {
            return problems;
        }

        app.ProductionRequestedAt = clock.GetUtcNow();
        app.ProductionChecklist = checklist.Summary();
        app.ReviewNote = null;
        return await CommitAsync(member, app, "app.production.request", app.ProductionChecklist, cancellationToken, bumpRevision: false);
    }

    /// <summary>Saves a change of desired state with its audit event, then pushes it (best effort).</summary>
    public async Task<LifecycleErrors> CommitAsync(Member actor, App app, string action, string? details, CancellationToken cancellationToken, bool bumpRevision = true)
    {
        if (bumpRevision)
        {
            app.Revision++;
            app.SyncState = SyncState.Pending;
            app.LastSyncError = null;
            app.SyncAttempts = 0;
            app.NextSyncAt = null;
        }

        audit.Add(action, AuditOutcome.Success, app.OrganisationId, $"app:{app.Id}", app.EnvironmentKey, details, actor.DeveloperId, actor.Email);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Revision is a concurrency token: someone saved this app at the same moment.
            db.ChangeTracker.Clear();
            return LifecycleErrors.One("", "The app was changed at the same time by someone else. Reload and try again.");
        }

        if (bumpRevision)
        {
            await provisioner.SyncAppAsync(app.Id, cancellationToken);
        }

        return [];
    }

    /// <summary>Environment and app type; empty values are left to the caller's "required" message.</summary>
    public LifecycleErrors ValidateChoices(string? environment, string? appType)
    {
        var errors = new LifecycleErrors();
        // docs/security-checklist.md BI6: a blank form field binds as null.
        if (string.IsNullOrEmpty(environment) || environments.Find(environment) is null)
        {
            errors.Add("environment", "Choose PIE or Production.");
        }

        if (appType is not (AppTypes.Client or AppTypes.Partner))
        {
            errors.Add("appType", "Choose Client or Partner.");
        }

        return errors;
    }

    public static LifecycleErrors ValidateFields(AppFields fields)
    {
        var errors = new LifecycleErrors();
        if (string.IsNullOrWhiteSpace(fields.Name))
        {
            errors.Add("name", "Enter a name for the app.");
        }
        else if (fields.Name.Trim().Length > MaxNameLength)
        {
            errors.Add("name", $"Use at most {MaxNameLength} characters.");
        }
        else if (fields.Name.Any(char.IsControl))
        {
            // The name is shown on consent pages and sent to the environments: no NUL, no control characters (BI2).
            errors.Add("name", "Use letters, digits, spaces and punctuation only; control characters are not allowed.");
        }

        if (fields.Description?.Length > MaxDescriptionLength)
        {
            errors.Add("description", $"Use at most {MaxDescriptionLength} characters.");
        }
        else if (fields.Description?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
        {
            errors.Add("description", "Control characters are not allowed (line breaks are).");
        }

        if (string.IsNullOrWhiteSpace(fields.ContactEmail))
        {
            errors.Add("contactEmail", "Enter a contact email address.");
        }
        else if (fields.ContactEmail.Length > 254 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(fields.ContactEmail.Trim()))
        {
            errors.Add("contactEmail", "Enter a valid email address.");
        }

        // The consent screen renders it as <img src>: https only, no userinfo, bounded.
        if (!string.IsNullOrWhiteSpace(fields.LogoUrl)
            && (fields.LogoUrl.Length > 2000 || !Uri.TryCreate(fields.LogoUrl.Trim(), UriKind.Absolute, out var logo)
                || logo.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(logo.UserInfo)))
        {
            errors.Add("logoUrl", "Enter an https address of an image, or leave it empty.");
        }

        return errors;
    }

    private App NewApp(Member member, AppFields fields, string environment, string appType)
    {
        var now = clock.GetUtcNow();
        var isSandbox = environments.Find(environment)?.IsSandbox == true;
        return new App
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = member.OrganisationId,
            Name = fields.Name!.Trim(),
            Description = Blank(fields.Description),
            ContactEmail = fields.ContactEmail!.Trim(),
            LogoUrl = Blank(fields.LogoUrl),
            EnvironmentKey = environment,
            AppType = appType,
            // PIE apps are usable at once; anything with real data waits for a platform admin.
            Status = isSandbox ? AppStatus.Active : AppStatus.PendingApproval,
            ClientId = Guid.NewGuid(),
            CreatedAt = now,
            CreatedBy = member.DeveloperId,
            SyncState = SyncState.Pending,
        };
    }

    private SecretIssued IssueSecret(App app, DateTimeOffset? expiresAt)
    {
        var plaintext = ClientSecrets.Generate();
        var secret = new AppSecret
        {
            Id = Guid.NewGuid(),
            AppId = app.Id,
            Hash = ClientSecrets.Hash(plaintext),
            Hint = ClientSecrets.Hint(plaintext),
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        app.Secrets.Add(secret);
        if (db.Entry(app).State != EntityState.Detached)
        {
            db.Add(secret);
        }

        return new SecretIssued(secret, plaintext);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The short Production checklist a developer submits before a platform admin reviews the app.</summary>
public sealed record ProductionChecklist(bool TestedInPie, bool StoresSecretsSecurely, bool HasPrivacyPolicy, string? UseCase)
{
    public LifecycleErrors Problems()
    {
        var errors = new LifecycleErrors();
        if (!TestedInPie || !StoresSecretsSecurely || !HasPrivacyPolicy)
        {
            errors.Add("checklist", "Confirm every item of the checklist.");
        }

        if (string.IsNullOrWhiteSpace(UseCase) || UseCase.Length > 1000)
        {
            errors.Add("useCase", "Describe in up to 1000 characters what the app does with Class data.");
        }

        return errors;
    }

    public string Summary() => $"Tested in PIE: yes. Secrets stored securely: yes. Privacy policy: yes. Use: {UseCase!.Trim()}";
}
