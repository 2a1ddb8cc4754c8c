using System.Net.Http.Headers;
using System.Text;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.Environment.Authorization;

/// <summary>
/// RFC 6749 §2.3.1: the client id and secret inside HTTP Basic credentials are form-urlencoded.
/// OpenIddict 7.8 decodes them leniently (<c>Uri.UnescapeDataString</c>): a raw ':' in the secret,
/// a '%' not followed by two hex digits, or an escape that is not UTF-8 is kept as typed, so a
/// secret containing those characters also authenticates when sent unencoded. Such credentials
/// are refused here with <c>invalid_client</c> (docs/security-checklist.md CA4, after node-oidc-provider's
/// "reject loosely decoded Basic credentials"). It also refuses a body <c>client_id</c> that names
/// another client than the Basic credentials, which OpenIddict would replace silently (CA5).
/// Runs on the three endpoints that authenticate clients, just before OpenIddict reads the header.
/// </summary>
public sealed class BasicCredentialsHandler :
    IOpenIddictServerHandler<ExtractTokenRequestContext>,
    IOpenIddictServerHandler<ExtractIntrospectionRequestContext>,
    IOpenIddictServerHandler<ExtractRevocationRequestContext>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
            .UseSingletonHandler<BasicCredentialsHandler>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractBasicAuthenticationCredentials<ExtractTokenRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractIntrospectionRequestContext>()
            .UseSingletonHandler<BasicCredentialsHandler>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractBasicAuthenticationCredentials<ExtractIntrospectionRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
        OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractRevocationRequestContext>()
            .UseSingletonHandler<BasicCredentialsHandler>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractBasicAuthenticationCredentials<ExtractRevocationRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build(),
    ];

    public ValueTask HandleAsync(ExtractTokenRequestContext context) => Check(context);

    public ValueTask HandleAsync(ExtractIntrospectionRequestContext context) => Check(context);

    public ValueTask HandleAsync(ExtractRevocationRequestContext context) => Check(context);

    /// <summary>The form-urlencoded value, or null when it is not strictly form-urlencoded UTF-8.</summary>
    public static string? FormDecode(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !Uri.IsHexDigit(value[i + 1]) || !Uri.IsHexDigit(value[i + 2]))
                {
                    return null;
                }

                bytes.Add((byte)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c is ':' or <= ' ' or > '~')
            {
                // The separator, spaces, controls and non-ASCII are always encoded by a form encoder.
                return null;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static ValueTask Check(BaseValidatingContext context)
    {
        var header = context.Transaction.GetHttpRequest()?.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header) || !AuthenticationHeaderValue.TryParse(header, out var value)
            || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(value.Parameter))
        {
            return ValueTask.CompletedTask;
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return ValueTask.CompletedTask; // OpenIddict refuses malformed base64 itself
        }

        var separator = credentials.IndexOf(':', StringComparison.Ordinal);
        if (separator < 0)
        {
            return ValueTask.CompletedTask; // likewise for a header without a separator
        }

        var clientId = FormDecode(credentials[..separator]);
        if (clientId is null || FormDecode(credentials[(separator + 1)..]) is null)
        {
            // ASCII only: OpenIddict copies the description into the WWW-Authenticate header of the 401.
            context.Reject(Errors.InvalidClient, "The client credentials in the Authorization header must be form-urlencoded (RFC 6749 section 2.3.1).");
        }
        else if (context.Transaction.Request?.ClientId is { Length: > 0 } bodyClientId && !string.Equals(bodyClientId, clientId, StringComparison.Ordinal))
        {
            context.Reject(Errors.InvalidRequest, "The client_id parameter does not match the client of the Authorization header.");
        }

        return ValueTask.CompletedTask;
    }
}
