using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// OpenIddict fixes the issuer we set, but still builds the endpoint URLs in discovery from the
/// request's Host header (<c>Host: evil.example</c> would advertise <c>http://evil.example/connect/token</c>).
/// Rebase them on the configured issuer so discovery never points clients elsewhere (ADR 0002).
/// </summary>
public sealed class IssuerBasedEndpointsHandler : IOpenIddictServerHandler<HandleConfigurationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleConfigurationRequestContext>()
            .UseSingletonHandler<IssuerBasedEndpointsHandler>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachEndpoints.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleConfigurationRequestContext context)
    {
        if (context.Options.Issuer is not { } issuer || context.BaseUri is not { } requestBase)
        {
            return ValueTask.CompletedTask;
        }

        Uri? Rebase(Uri? endpoint) =>
            endpoint is null || !requestBase.IsBaseOf(endpoint) ? endpoint : new Uri(issuer, requestBase.MakeRelativeUri(endpoint));

        context.AuthorizationEndpoint = Rebase(context.AuthorizationEndpoint);
        context.TokenEndpoint = Rebase(context.TokenEndpoint);
        context.JsonWebKeySetEndpoint = Rebase(context.JsonWebKeySetEndpoint);
        context.UserInfoEndpoint = Rebase(context.UserInfoEndpoint);
        context.IntrospectionEndpoint = Rebase(context.IntrospectionEndpoint);
        context.RevocationEndpoint = Rebase(context.RevocationEndpoint);
        context.EndSessionEndpoint = Rebase(context.EndSessionEndpoint);
        context.DeviceAuthorizationEndpoint = Rebase(context.DeviceAuthorizationEndpoint);
        context.PushedAuthorizationEndpoint = Rebase(context.PushedAuthorizationEndpoint);
        return ValueTask.CompletedTask;
    }
}
