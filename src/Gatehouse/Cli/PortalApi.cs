using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gatehouse.Cli;

/// <summary>One answer from the management API: its status and body, parsed when it is JSON.</summary>
public sealed record ApiAnswer(int Status, string Body, JsonElement? Json)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>Calls the portal's management API (/api/v1) with a personal access token (ADR 0006).</summary>
public sealed class PortalApi(HttpClient http, string token)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's error page, say): the body is shown as text.
            }
        }

        return new ApiAnswer((int)response.StatusCode, text, json);
    }
}
