using System.Text.RegularExpressions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// OpenIddict 7.8 checks that a <c>code_challenge</c> is present and its method allowed, but not its
/// shape. With S256 only, a challenge is BASE64URL(SHA-256(verifier)) without padding: exactly 43
/// characters of <c>[A-Za-z0-9-_]</c> (RFC 7636 §4.2). Anything else can never match a verifier, so
/// refuse it up front with <c>invalid_request</c> (docs/security-checklist.md PK4).
/// </summary>
public sealed partial class PkceChallengeFormatHandler : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseSingletonHandler<PkceChallengeFormatHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateProofKeyForCodeExchangeParameters.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.CodeChallenge is { } challenge && !S256Challenge().IsMatch(challenge))
        {
            context.Reject(Errors.InvalidRequest, "The code_challenge must be the 43-character base64url SHA-256 hash of the code verifier (RFC 7636 §4.2).");
        }

        return ValueTask.CompletedTask;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex S256Challenge();
}

/// <summary>
/// OAuth 2.1 §5.2 / RFC 9700 §4.3.2: access tokens in a URI query leak into logs and Referer headers,
/// so the userinfo endpoint refuses them like the Class APIs do (docs/security-checklist.md DK6); the Authorization
/// header (and the form body, RFC 6750 §2.2) still work.
/// </summary>
public sealed class QueryAccessTokenHandler : IOpenIddictServerHandler<ValidateUserInfoRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateUserInfoRequestContext>()
            .UseSingletonHandler<QueryAccessTokenHandler>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateUserInfoRequestContext context)
    {
        if (context.Transaction.GetHttpRequest()?.Query.ContainsKey(Parameters.AccessToken) == true)
        {
            context.Reject(Errors.InvalidRequest, "Send the access token in the Authorization header, not in the query string.");
        }

        return ValueTask.CompletedTask;
    }
}
