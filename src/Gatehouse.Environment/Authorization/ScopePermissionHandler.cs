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
public sealed class ScopePermissionHandler(IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateTokenRequestContext>, IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    private const string DeferredErrorKey = "gatehouse:deferred_scope_error";

    /// <summary>
    /// At the authorization endpoint a bad scope is not answered at once: RFC 9700 §4.11.2 wants the
    /// user authenticated before the browser is sent back to the client. The scopes are taken out (so
    /// OpenIddict's own checks pass) and the error is kept for the authorize page, which answers
    /// <c>invalid_scope</c> after login.
    /// </summary>
    public static OpenIddictServerHandlerDescriptor AuthorizationDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ScopePermissionHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopes.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The scope error held back for after login, if any.</summary>
    public static string? DeferredError(Microsoft.AspNetCore.Http.HttpContext httpContext) =>
        httpContext.Features.Get<OpenIddict.Server.AspNetCore.OpenIddictServerAspNetCoreFeature>()?.Transaction?.Properties.TryGetValue(DeferredErrorKey, out var value) == true
            ? value as string
            : null;

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (string.IsNullOrEmpty(context.ClientId) || await applications.FindByClientIdAsync(context.ClientId) is not { } application)
        {
            return;
        }

        var scopes = context.Request.GetScopes();
        var refused = new List<string>();
        foreach (var scope in scopes)
        {
            if (!ClassScopes.All.Contains(scope)
                || (scope is not (Scopes.OpenId or Scopes.OfflineAccess) && !await applications.HasPermissionAsync(application, Permissions.Prefixes.Scope + scope)))
            {
                refused.Add(scope);
            }
        }

        if (refused.Count > 0)
        {
            context.Request.Scope = string.Join(' ', scopes.Except(refused, StringComparer.Ordinal));
            context.Transaction.Properties[DeferredErrorKey] = $"This app may not request the scope '{refused[0]}'.";
        }
    }

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
