using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// OpenIddict accepts a redeemed refresh token again inside <c>RefreshTokenReuseLeeway</c>, measured
/// per token, so a grandparent token would also pass (django-oauth-toolkit #1617 bug class). This
/// narrows the retry grace to the immediate predecessor: a redeemed token whose successor has itself
/// been redeemed is reuse, and revokes every token of the authorization (the family; ADR 0009).
/// Successors are found by recorded lineage (<see cref="RefreshTokenParentHandler"/>; ADR 0021).
/// </summary>
public sealed class RefreshTokenLineageHandler(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseScopedHandler<RefreshTokenLineageHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public static bool IsRefreshToken(string? type) =>
        type is not null && (type == TokenTypeHints.RefreshToken || type.EndsWith(":" + TokenTypeHints.RefreshToken, StringComparison.Ordinal));

    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        // RFC 6749 §6 and §5.2: asking for more than was granted is invalid_scope (OpenIddict says invalid_grant).
        if (context.Request.IsRefreshTokenGrantType() && context.RefreshTokenPrincipal is { } granted
            && context.Request.GetScopes().FirstOrDefault(s => !granted.HasScope(s)) is { } extra)
        {
            context.Reject(Errors.InvalidScope, $"The scope '{extra}' was not granted.");
            return;
        }

        if (!context.Request.IsRefreshTokenGrantType() || context.RefreshTokenPrincipal?.GetTokenId() is not { } tokenId)
        {
            return;
        }

        // RT10: the token issued by this request records the presented one as its parent.
        RefreshTokenParentHandler.RecordParent(context.Transaction, tokenId);
        if (await tokens.FindByIdAsync(tokenId) is not { } token
            || !await tokens.HasStatusAsync(token, Statuses.Redeemed)
            || await tokens.GetAuthorizationIdAsync(token) is not { } authorizationId)
        {
            return;
        }

        // RT10: a redeemed child (recorded lineage, not creation times stored to the second) makes
        // the presented token a grandparent or older. Tokens without a recorded parent (roots, and
        // tokens issued before lineage was recorded) keep the creation-time rule.
        var created = await tokens.GetCreationDateAsync(token);
        await foreach (var other in tokens.FindByAuthorizationIdAsync(authorizationId))
        {
            if (await tokens.GetIdAsync(other) != tokenId
                && IsRefreshToken(await tokens.GetTypeAsync(other))
                && await tokens.HasStatusAsync(other, Statuses.Redeemed)
                && (await RefreshTokenParentHandler.ParentOfAsync(tokens, other) is { } parent
                    ? parent == tokenId
                    : await tokens.GetCreationDateAsync(other) > created))
            {
                await tokens.RevokeByAuthorizationIdAsync(authorizationId);
                context.Reject(Errors.InvalidGrant, "The refresh token has already been used.");
                return;
            }
        }
    }
}

/// <summary>
/// RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the access tokens of the same grant;
/// OpenIddict revokes only the token presented, so the rest of its authorization follows.
/// </summary>
public sealed class RevokeGrantHandler(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokeGrantHandler>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.IsRejected || context.GenericTokenPrincipal is not { } principal || !principal.HasTokenType(TokenTypeIdentifiers.RefreshToken)
            || principal.GetAuthorizationId() is not { } authorizationId)
        {
            return;
        }

        await tokens.RevokeByAuthorizationIdAsync(authorizationId);
    }
}

/// <summary>RFC 7662 §2.2: the client the token was issued to sees its scopes too (OpenIddict lists them for audiences only).</summary>
public sealed class IntrospectionScopeHandler : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<IntrospectionScopeHandler>()
            .SetOrder(OpenIddictServerHandlers.Introspection.AttachApplicationClaims.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is { } principal && context.Scopes.Count == 0
            && principal.GetPresenters().Contains(context.Request.ClientId ?? ""))
        {
            context.Scopes.UnionWith(principal.GetScopes());
        }

        return ValueTask.CompletedTask;
    }
}
