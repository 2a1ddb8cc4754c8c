using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// AZ14 (ASVS 10.4.12): a client may use only the response modes it registered
/// (<see cref="ClientProperties.ResponseModes"/>; none registered means <c>query</c> only). OpenIddict
/// allows every mode it supports for every client. The refusal is <c>invalid_request</c> sent to the
/// already validated redirect URI in the default mode for <c>code</c> (query), never in the refused
/// mode (RFC 6749 §4.1.2.1, OAuth 2.0 Multiple Response Type Encoding Practices §5).
/// </summary>
public sealed class ResponseModeHandler(IOpenIddictApplicationManager applications) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateAuthorizationRequestContext>()
            .UseScopedHandler<ResponseModeHandler>()
            .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        if (context.Request.ResponseMode is not { Length: > 0 } mode || mode == ResponseModes.Query)
        {
            return;
        }

        var client = await ClientProperties.ReadAsync(applications, context.ClientId, context.CancellationToken);
        if (client?.ResponseModes?.Contains(mode, StringComparer.Ordinal) == true)
        {
            return;
        }

        context.Request.ResponseMode = null;
        context.Reject(Errors.InvalidRequest, $"The response_mode '{mode}' is not registered for this client.");
    }
}
