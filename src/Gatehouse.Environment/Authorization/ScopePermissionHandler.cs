using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// Rejects a token request for a scope the app was not given with <c>invalid_scope</c>, which is
/// what RFC 6749 §5.2 names for it ("exceeds the scope granted"). OpenIddict's own check, which runs
/// right after this one and stays as a backstop, answers <c>invalid_request</c>. Like OpenIddict,
/// the protocol scopes <c>openid</c> and <c>offline_access</c> need no permission.
/// </summary>
public sealed class ScopePermissionHandler(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<ScopePermissionHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (string.IsNullOrEmpty(context.ClientId) || await applications.FindByClientIdAsync(context.ClientId) is not { } application)
        {
            return;
        }

        foreach (var scope in context.Request.GetScopes())
        {
            if (scope is not (Scopes.OpenId or Scopes.OfflineAccess)
                && !await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope))
            {
                context.Reject(Errors.InvalidScope, $"This app may not request the scope '{scope}'.");
                return;
            }
        }
    }
}
