using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Hosting.Web;

/// <summary>
/// Endpoint filter for machine-to-machine APIs protected by one shared key (the portal calling an
/// environment's admin API). The key is compared by hash in constant time.
/// </summary>
public sealed class ApiKeyFilter(string expectedKey) : IEndpointFilter
{
    private readonly byte[] expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expectedKey));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[prefix.Length..])), expectedHash))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid admin API key is required.");
        }

        return await next(context);
    }
}
