using System.Runtime.ExceptionServices;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Options;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// OpenIddict's <c>TryRevokeAsync</c>, <c>TryRedeemAsync</c> and <c>TryRejectAsync</c> answer "false"
/// for any exception, and the endpoints turn that false into a 4xx (a revocation whose store write
/// timed out became <c>400 unsupported_token_type</c>, a refresh became <c>invalid_grant</c>). A store
/// that is unavailable is not a refusal: the failure is rethrown, so
/// <see cref="DatabaseUnavailableHandler"/> answers 503 <c>temporarily_unavailable</c> with
/// <c>Retry-After</c> and the client retries (RFC 7009 §2.2.1; docs/security-checklist.md ST2, RV6).
/// A concurrency conflict (a parallel request won) stays a false, as OpenIddict intends.
/// </summary>
public sealed class StoreFailureTokenManager(
    IOpenIddictTokenCache<OpenIddictEntityFrameworkCoreToken> cache,
    ILogger<OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<OpenIddictEntityFrameworkCoreToken> store)
    : OpenIddictTokenManager<OpenIddictEntityFrameworkCoreToken>(cache, logger, options, store)
{
    private readonly StoreFailure failure = new();

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        await failure.Watch(base.UpdateAsync(token, cancellationToken));

    public override async ValueTask<bool> TryRevokeAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        failure.ThrowIfFailed(await base.TryRevokeAsync(token, cancellationToken));

    public override async ValueTask<bool> TryRedeemAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        failure.ThrowIfFailed(await base.TryRedeemAsync(token, cancellationToken));

    public override async ValueTask<bool> TryRejectAsync(OpenIddictEntityFrameworkCoreToken token, CancellationToken cancellationToken = default) =>
        failure.ThrowIfFailed(await base.TryRejectAsync(token, cancellationToken));
}

/// <summary>The same for authorizations: revoking a whole grant (refresh token reuse, logout) must not pass for done.</summary>
public sealed class StoreFailureAuthorizationManager(
    IOpenIddictAuthorizationCache<OpenIddictEntityFrameworkCoreAuthorization> cache,
    ILogger<OpenIddictAuthorizationManager<OpenIddictEntityFrameworkCoreAuthorization>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictAuthorizationStore<OpenIddictEntityFrameworkCoreAuthorization> store)
    : OpenIddictAuthorizationManager<OpenIddictEntityFrameworkCoreAuthorization>(cache, logger, options, store)
{
    private readonly StoreFailure failure = new();

    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreAuthorization authorization, CancellationToken cancellationToken = default) =>
        await failure.Watch(base.UpdateAsync(authorization, cancellationToken));

    public override async ValueTask<bool> TryRevokeAsync(OpenIddictEntityFrameworkCoreAuthorization authorization, CancellationToken cancellationToken = default) =>
        failure.ThrowIfFailed(await base.TryRevokeAsync(authorization, cancellationToken));
}

/// <summary>Remembers a store failure the base manager's catch-all swallowed, to rethrow it after.</summary>
internal sealed class StoreFailure
{
    private ExceptionDispatchInfo? swallowed;

    public async ValueTask Watch(ValueTask update)
    {
        try
        {
            await update;
        }
        catch (Exception e) when (StoreErrors.IsUnavailable(e))
        {
            swallowed = ExceptionDispatchInfo.Capture(e);
            throw;
        }
    }

    public bool ThrowIfFailed(bool succeeded)
    {
        if (!succeeded && Interlocked.Exchange(ref swallowed, null) is { } e)
        {
            e.Throw();
        }

        swallowed = null;
        return succeeded;
    }
}
