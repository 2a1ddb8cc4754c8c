using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>
/// Class's response envelope (CLASS-API-NOTES §1.3): every Class API response, success or error,
/// has this shape with PascalCase names, so partners' existing code ports unchanged.
/// </summary>
public sealed record ClassEnvelope(
    [property: JsonPropertyName("Data")] object Data,
    [property: JsonPropertyName("Errors")] IReadOnlyList<ClassApiError> Errors,
    [property: JsonPropertyName("ErrorCodes")] IReadOnlyList<string> ErrorCodes,
    [property: JsonPropertyName("CreatedUri")] string CreatedUri,
    [property: JsonPropertyName("IsCreatedResponse")] bool IsCreatedResponse);

public sealed record ClassApiError([property: JsonPropertyName("Code")] string Code, [property: JsonPropertyName("Message")] string Message);

/// <summary>The envelope as HTTP results, with the error codes and messages the specs declare (§1.4).</summary>
public static class ClassResults
{
    // PascalCase comes from the attributes; these options only stop the web defaults renaming nested payloads.
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public static IResult Ok(object data) =>
        TypedResults.Json(new ClassEnvelope(data, [], [], "", false), Json, statusCode: StatusCodes.Status200OK);

    public static IResult NotAuthorised(HttpContext http)
    {
        // RFC 6750 §3: a 401 from a bearer-protected resource names the scheme.
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Error(StatusCodes.Status401Unauthorized, "API_NOT_AUTHORISED", "Not authorised");
    }

    public static IResult Forbidden() =>
        Error(StatusCodes.Status403Forbidden, "FORBIDDEN", "You do not have permission to access this resource.");

    /// <summary>Also for a token bound to another business (§1.7): 404, never 401/403, so codes cannot be probed.</summary>
    public static IResult NotFound() =>
        Error(StatusCodes.Status404NotFound, "API_NOT_FOUND", "Resource not available or user does not have access to the fund.");

    public static IResult Error(int status, string code, string message) =>
        TypedResults.Json(new ClassEnvelope(new { }, [new ClassApiError(code, message)], [code], "", false), Json, statusCode: status);
}
