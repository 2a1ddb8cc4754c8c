using Gatehouse.Portal.Accounts;
using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Approvals;

/// <summary>Who is a platform admin: the <see cref="PlatformAdmin"/> table, topped up from configuration.</summary>
public sealed class PlatformAdmins(PortalDbContext db, UserManager<Developer> users, OrganisationMembership membership, PlatformAdminOptions options, TimeProvider clock, ILogger<PlatformAdmins> logger)
{
    /// <summary>Whether <paramref name="member"/> is a platform admin (<see cref="CurrentMember"/> asks this once per request).</summary>
    public async Task<bool> IsAdminAsync(Member member, CancellationToken cancellationToken)
    {
        if (await db.Set<PlatformAdmin>().AnyAsync(a => a.DeveloperId == member.DeveloperId, cancellationToken))
        {
            return true;
        }

        // Named in Portal:PlatformAdmins but signed up after start-up: add them now.
        if (options.Emails.Contains(member.Email, StringComparer.OrdinalIgnoreCase))
        {
            await SeedAsync(cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>Idempotent: the demo admin (when demo data is on) and every configured, verified developer.</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (options is { DemoEnabled: true, DemoPassword: { Length: > 0 } demoPassword })
        {
            var admin = await users.FindByEmailAsync(options.DemoEmail);
            if (admin is null)
            {
                admin = new Developer { UserName = options.DemoEmail, Email = options.DemoEmail, EmailConfirmed = true, CreatedAt = clock.GetUtcNow() };
                var result = await users.CreateAsync(admin, demoPassword);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException("Creating the demo platform admin failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
                }
            }

            // The class.com.au organisation, created the same way as any other.
            await membership.JoinAsync(admin, cancellationToken);
            await AddAsync(admin.Id, cancellationToken);
        }

        foreach (var email in options.Emails)
        {
            if (await users.FindByEmailAsync(email) is { EmailConfirmed: true } developer)
            {
                await AddAsync(developer.Id, cancellationToken);
            }
            else
            {
                logger.LogDebug("Platform admin {Email} has not signed up and verified yet", email);
            }
        }
    }

    private async Task AddAsync(Guid developerId, CancellationToken cancellationToken)
    {
        if (!await db.Set<PlatformAdmin>().AnyAsync(a => a.DeveloperId == developerId, cancellationToken))
        {
            db.Add(new PlatformAdmin { DeveloperId = developerId, CreatedAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

/// <summary>Seeds platform admins after <see cref="PortalStartup"/> has migrated the database.</summary>
public sealed class PlatformAdminStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PlatformAdmins>().SeedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
