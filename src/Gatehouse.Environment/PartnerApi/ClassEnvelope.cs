using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Environment.PartnerApi;

/// <summary>
/// Class's response envelope (docs/class-api-notes.md §1.3): every Class API response, success or error,
/// has this shape with PascalCase names, so partners' existing code ports unchanged.
/// </summary>
public sealed record ClassEnvelope(
    [property: JsonPropertyName("Data")] object Data,
    [property: JsonPropertyName("Errors")] IReadOnlyList<ClassApiError> Errors,
    [property: JsonPropertyName("ErrorCodes")] IReadOnlyList<string> ErrorCodes,
    [property: JsonPropertyName("CreatedUri")] string CreatedUri,
    [property: JsonPropertyName("IsCreatedResponse")] bool IsCreatedResponse);

/// <summary>
/// The envelope with its <c>Data</c> typed, for the OpenAPI documents only: the JSON is the same as
/// <see cref="ClassEnvelope"/>'s, but partners see what each operation's <c>Data</c> holds.
/// </summary>
public sealed record ClassResponse<TData>(
    [property: JsonPropertyName("Data")] TData Data,
    [property: JsonPropertyName("Errors")] IReadOnlyList<ClassApiError> Errors,
    [property: JsonPropertyName("ErrorCodes")] IReadOnlyList<string> ErrorCodes,
    [property: JsonPropertyName("CreatedUri")] string CreatedUri,
    [property: JsonPropertyName("IsCreatedResponse")] bool IsCreatedResponse);

/// <summary>Class's <c>StandardApiResponse</c>: the envelope without <c>Data</c>, for writes that return nothing.</summary>
public sealed record StandardApiResponse(
    [property: JsonPropertyName("Errors")] IReadOnlyList<ClassApiError> Errors,
    [property: JsonPropertyName("ErrorCodes")] IReadOnlyList<string> ErrorCodes,
    [property: JsonPropertyName("CreatedUri")] string CreatedUri,
    [property: JsonPropertyName("IsCreatedResponse")] bool IsCreatedResponse);

public sealed record ClassApiError([property: JsonPropertyName("Code")] string Code, [property: JsonPropertyName("Message")] string Message);

/// <summary>The envelope as HTTP results, with the error codes and messages the specs declare (§1.4).</summary>
public static class ClassResults
{
    // PascalCase comes from the attributes; these options only stop the web defaults renaming nested payloads.
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    /// <summary>Request bodies: Class's PascalCase, but tolerant of camelCase senders.</summary>
    private static readonly JsonSerializerOptions Input = new() { PropertyNamingPolicy = null, PropertyNameCaseInsensitive = true };

    public static IResult Ok(object data) =>
        TypedResults.Json(new ClassEnvelope(data, [], [], "", false), Json, statusCode: StatusCodes.Status200OK);

    /// <summary>A create: 200 with <c>IsCreatedResponse</c> and <c>CreatedUri</c> (§1.5: Class answers creates with 200).</summary>
    public static IResult Created(object data, string uri) =>
        TypedResults.Json(new ClassEnvelope(data, [], [], uri, true), Json, statusCode: StatusCodes.Status200OK);

    public static IResult Standard() =>
        TypedResults.Json(new StandardApiResponse([], [], "", false), Json, statusCode: StatusCodes.Status200OK);

    /// <summary>400 with one error per problem (the specs' ErrorResponse, PascalCase as the guide has it: ADR 0010).</summary>
    public static IResult BadRequest(IReadOnlyList<ClassApiError> errors) =>
        TypedResults.Json(new ClassEnvelope(new { }, errors, [.. errors.Select(e => e.Code).Distinct()], "", false), Json, statusCode: StatusCodes.Status400BadRequest);

    public static IResult BadRequest(string message) => BadRequest([new ClassApiError(ErrorCodes.Validation, message)]);

    /// <summary>Reads a JSON body; on anything unreadable, the error result to return instead.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send the body as application/json."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Input, cancellationToken);
            return value is null ? (null, BadRequest([new ClassApiError(ErrorCodes.InvalidBody, "The request body is empty.")])) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, BadRequest([new ClassApiError(ErrorCodes.InvalidBody, $"The request body is not valid JSON for this operation ({e.Path ?? "$"}).")]));
        }
    }

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

public static class ErrorCodes
{
    public const string Validation = "VALIDATION_ERROR";
    public const string InvalidBody = "INVALID_REQUEST_BODY";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string TooLarge = "PAYLOAD_TOO_LARGE";
    public const string RateLimited = "RATE_LIMIT_EXCEEDED";
}
