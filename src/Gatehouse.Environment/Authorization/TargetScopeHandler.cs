using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// Class's <c>target:b</c> / <c>target:b/{BusinessCode}</c> scopes (docs/class-api-notes.md §2.5) are
/// selectors, not permissions: take them out of the token request before OpenIddict checks the
/// scopes against the registered ones and the client's <c>scp:</c> permissions, and keep the chosen
/// target in the server transaction (which a client cannot write to) for the token endpoint.
/// </summary>
public sealed class TargetScopeHandler : IOpenIddictServerHandler<ValidateTokenRequestContext>, IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    private const string TransactionKey = "gatehouse:target";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<TargetScopeHandler>()
            .SetOrder(Math.Min(
                OpenIddictServerHandlers.Exchange.ValidateScopeParameter.Descriptor.Order,
                OpenIddictServerHandlers.Exchange.ValidateScopes.Descriptor.Order) - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The same at the authorization endpoint: <c>target:b</c> opens the business picker, <c>target:b/CODE</c> pins it.</summary>
    public static OpenIddictServerHandlerDescriptor AuthorizationDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<TargetScopeHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateScopes.Descriptor.Order - 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (!Strip(context.Request, context.Transaction, out var error))
        {
            context.Reject(Errors.InvalidScope, error);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (!Strip(context.Request, context.Transaction, out var error))
        {
            context.Reject(Errors.InvalidScope, error);
        }

        return ValueTask.CompletedTask;
    }

    private static bool Strip(OpenIddictRequest request, OpenIddictServerTransaction transaction, out string? error)
    {
        error = null;
        var scopes = request.GetScopes();
        var targets = scopes.Where(s => s.StartsWith(ClassScopes.TargetPrefix, StringComparison.Ordinal)).ToList();
        if (targets.Count == 0)
        {
            return true;
        }

        // One authorization is bound to one business (§2.5): at most one target, and only business targets.
        if (targets.Count > 1 || !TryParse(targets[0], out var businessCode))
        {
            error = "The target scope must be a single 'target:b' or 'target:b/<BusinessCode>'.";
            return false;
        }

        request.Scope = string.Join(' ', scopes.Except(targets, StringComparer.Ordinal));
        transaction.Properties[TransactionKey] = new RequestedTarget(businessCode);
        return true;
    }

    /// <summary>The target the token request asked for, or null when it named none (then the app's linked business applies).</summary>
    public static RequestedTarget? For(HttpContext httpContext) =>
        httpContext.Features.Get<OpenIddictServerAspNetCoreFeature>()?.Transaction?.Properties.TryGetValue(TransactionKey, out var value) == true
            ? value as RequestedTarget
            : null;

    private static bool TryParse(string scope, out string? businessCode)
    {
        businessCode = null;
        if (scope == ClassScopes.BusinessTarget)
        {
            return true;
        }

        const string pinned = ClassScopes.BusinessTarget + "/";
        if (scope.StartsWith(pinned, StringComparison.Ordinal) && scope.Length > pinned.Length && !scope[pinned.Length..].Contains('/', StringComparison.Ordinal))
        {
            businessCode = scope[pinned.Length..];
            return true;
        }

        return false;
    }
}

/// <param name="BusinessCode">Null for <c>target:b</c> (no business pinned).</param>
public sealed record RequestedTarget(string? BusinessCode);
