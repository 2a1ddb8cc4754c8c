using Gatehouse.Hosting.Contracts;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Roles;

/// <summary>Which planes this process runs: <c>--role all|portal|environment</c> and <c>--environment pie|production</c>.</summary>
public sealed record RoleOptions(bool Portal, IReadOnlyList<string> Environments)
{
    public static readonly string[] KnownEnvironments = [EnvironmentKeys.Pie, EnvironmentKeys.Production];

    public static RoleOptions Parse(IConfiguration configuration)
    {
        var role = (configuration["role"] ?? "all").ToLowerInvariant();
        var environment = configuration["environment"]?.ToLowerInvariant();
        if (environment is not null && !KnownEnvironments.Contains(environment))
        {
            throw new ArgumentException($"--environment must be one of: {string.Join(", ", KnownEnvironments)}.");
        }

        return role switch
        {
            "all" => new RoleOptions(true, environment is null ? KnownEnvironments : [environment]),
            "portal" => new RoleOptions(true, []),
            "environment" => new RoleOptions(false, environment is null
                ? throw new ArgumentException("--role environment needs --environment pie|production.")
                : [environment]),
            _ => throw new ArgumentException("--role must be one of: all, portal, environment."),
        };
    }
}
