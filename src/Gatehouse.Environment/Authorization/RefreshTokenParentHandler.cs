using System.Text.Json;
using System.Text.Json.Nodes;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// RT10 (issue 13 §8): refresh token lineage, explicit. When a refresh grant issues a new refresh
/// token, its entry records the presented token's id as its parent, so reuse detection
/// (<see cref="RefreshTokenLineageHandler"/>) asks "has a child of this token been redeemed?"
/// instead of comparing creation dates, which the stores keep to the second: two rotations
/// within one second would otherwise let the grandparent through the retry grace.
/// </summary>
public sealed class RefreshTokenParentHandler(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<ProcessSignInContext>
{
    public const string PropertyName = "gatehouse_parent_token_id";
    private const string TransactionKey = "Gatehouse.Environment.RefreshTokenParent";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<RefreshTokenParentHandler>()
            .SetOrder(OpenIddictServerHandlers.GenerateRefreshToken.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Called while the refresh request is validated: the token presented in it.</summary>
    public static void RecordParent(OpenIddictServerTransaction transaction, string tokenId) =>
        transaction.Properties[TransactionKey] = tokenId;

    public static async ValueTask<string?> ParentOfAsync(IOpenIddictTokenManager tokens, object token) =>
        (await tokens.GetPropertiesAsync(token)).TryGetValue(PropertyName, out var parent) && parent.ValueKind == JsonValueKind.String
            ? parent.GetString()
            : null;

    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.IsRejected
            || !context.Transaction.Properties.TryGetValue(TransactionKey, out var value) || value is not string parent
            || context.RefreshTokenPrincipal?.GetTokenId() is not { } childId
            || await tokens.FindByIdAsync(childId) is not OpenIddictEntityFrameworkCoreToken child)
        {
            return;
        }

        var properties = string.IsNullOrEmpty(child.Properties) ? [] : JsonNode.Parse(child.Properties) as JsonObject ?? [];
        properties[PropertyName] = parent;
        child.Properties = properties.ToJsonString();
        await tokens.UpdateAsync(child);
    }
}
