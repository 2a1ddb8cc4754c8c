using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>A verified demo developer, Owner of its organisation, so a local run works without mail. Idempotent.</summary>
public sealed class DemoData(UserManager<Developer> users, OrganisationMembership membership, IOptions<DemoDataOptions> options, TimeProvider clock)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var demo = options.Value;
        if (!demo.Enabled)
        {
            return;
        }

        var developer = await users.FindByEmailAsync(demo.Email);
        if (developer is null)
        {
            developer = new Developer { UserName = demo.Email, Email = demo.Email, EmailConfirmed = true, CreatedAt = clock.GetUtcNow() };
            var result = await users.CreateAsync(developer, demo.Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Creating the demo developer failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }
        }

        // Its sandbox is then provisioned by the provisioning worker.
        await membership.JoinAsync(developer, cancellationToken);
    }
}
