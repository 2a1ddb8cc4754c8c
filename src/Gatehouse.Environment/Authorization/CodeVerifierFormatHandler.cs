using System.Text.RegularExpressions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// PK9: OpenIddict 7.8 compares the <c>code_verifier</c> with the stored challenge but does not check
/// its syntax. RFC 7636 §4.1: 43 to 128 characters of the unreserved set <c>[A-Za-z0-9-._~]</c>;
/// anything else is refused with <c>invalid_grant</c> (§4.6) before the code is looked at, even when
/// it happens to hash to the challenge (the authorize side: <see cref="PkceChallengeFormatHandler"/>).
/// </summary>
public sealed partial class CodeVerifierFormatHandler : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<CodeVerifierFormatHandler>()
            .SetOrder(OpenIddictServerHandlers.Exchange.ValidateAuthentication.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        if (context.Request.IsAuthorizationCodeGrantType() && context.Request.CodeVerifier is { } verifier && !Verifier().IsMatch(verifier))
        {
            context.Reject(Errors.InvalidGrant, "The code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1).");
        }

        return ValueTask.CompletedTask;
    }

    [GeneratedRegex("^[A-Za-z0-9._~-]{43,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex Verifier();
}
