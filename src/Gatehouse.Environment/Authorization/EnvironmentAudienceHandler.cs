using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// Every access token names two audiences (RFC 9068 §2.2): <c>class-api</c>, the product's API as
/// partners know it, and this environment's own API base URL (RFC 8707 style). The resource server
/// of an environment accepts only its own, so PIE and Production audiences differ (docs/security-checklist.md EN1)
/// on top of their different issuers and keys.
/// </summary>
public sealed class EnvironmentAudienceHandler : IOpenIddictServerHandler<ProcessSignInContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<EnvironmentAudienceHandler>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The environment-specific audience: the API base URL under the issuer.</summary>
    public static string For(Uri issuer) => new Uri(issuer, "api").AbsoluteUri;

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.AccessTokenPrincipal is { } principal && context.Options.Issuer is { } issuer)
        {
            principal.SetAudiences([.. principal.GetAudiences().Append(For(issuer)).Distinct(StringComparer.Ordinal)]);
        }

        return ValueTask.CompletedTask;
    }
}
