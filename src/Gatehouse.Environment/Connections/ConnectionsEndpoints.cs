using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Environment.Connections;

/// <summary>
/// <c>GET /connections</c> and <c>DELETE /connections/{id}</c>: a Partner app sees and ends its own
/// connections, authenticating as at the token endpoint (HTTP Basic, RFC 6749 §2.3.1). Another app's
/// connection is a 404, as if it did not exist (MT1).
/// </summary>
public static class ConnectionsEndpoints
{
    public static IEndpointRouteBuilder MapConnections(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/connections", ListAsync).ExcludeFromDescription();
        endpoints.MapDelete("/connections/{id}", RevokeAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Ok<IReadOnlyList<Connection>>, UnauthorizedHttpResult>> ListAsync(
        HttpContext http, IOpenIddictApplicationManager applications, ConnectionStore connections, CancellationToken cancellationToken)
    {
        if (await AuthenticateAsync(http, applications, cancellationToken) is not { } clientId)
        {
            return TypedResults.Unauthorized();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await connections.ForApplicationAsync(clientId, cancellationToken));
    }

    private static async Task<Results<NoContent, NotFound, UnauthorizedHttpResult>> RevokeAsync(
        string id, HttpContext http, IOpenIddictApplicationManager applications, ConnectionStore connections, CancellationToken cancellationToken)
    {
        if (await AuthenticateAsync(http, applications, cancellationToken) is not { } clientId)
        {
            return TypedResults.Unauthorized();
        }

        return await connections.RevokeAsync(id, c => c.ClientId == clientId, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    /// <summary>The client id when the Basic credentials are a Partner app's valid id and secret.</summary>
    private static async Task<string?> AuthenticateAsync(HttpContext http, IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"connections\"";
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }

        // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic credentials, strictly,
        // as at the token endpoint (CA4: loosely decoded credentials are refused).
        if (Authorization.BasicCredentialsHandler.FormDecode(decoded[..separator]) is not { } clientId
            || Authorization.BasicCredentialsHandler.FormDecode(decoded[(separator + 1)..]) is not { } secret)
        {
            return null;
        }

        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application
            || !await applications.ValidateClientSecretAsync(application, secret, cancellationToken)
            || (await Authorization.ClientProperties.ReadAsync(applications, clientId, cancellationToken))?.AppType != AppTypes.Partner)
        {
            return null;
        }

        http.Response.Headers.Remove("WWW-Authenticate");
        return clientId;
    }
}
