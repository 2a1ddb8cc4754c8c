using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Provisioning;

/// <summary>Typed client for an environment's admin API (the contract in Gatehouse.Hosting.Contracts).</summary>
public sealed class EnvironmentAdminClient(HttpClient http)
{
    /// <summary>
    /// Pushes the client's desired state (ADR 0022). A refusal comes back as <see cref="EnvironmentValidationException"/>
    /// (with whether the security state was applied anyway), an older revision than the environment's as
    /// <see cref="StaleRevisionException"/>.
    /// </summary>
    public async Task<ClientProvisioned> PutClientAsync(EnvironmentEndpoint environment, Guid clientId, ClientDescriptor descriptor, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, HttpMethod.Put, EnvironmentAdminApi.Client(clientId), JsonContent.Create(descriptor), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(cancellationToken);
            if (problem?.Type == ClientSync.StaleRevision && problem.Extensions.TryGetValue(ClientSync.RevisionExtension, out var revision)
                && revision is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } number)
            {
                throw new StaleRevisionException(number.GetInt64());
            }
        }

        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(cancellationToken);
            var applied = problem?.Extensions.TryGetValue(ClientSync.SecurityStateApplied, out var value) == true
                && value is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.True };
            throw new EnvironmentValidationException(problem?.Errors ?? new Dictionary<string, string[]>()) { SecurityStateApplied = applied };
        }

        return await ReadAsync<ClientProvisioned>(environment, response, cancellationToken);
    }

    public Task<SandboxProvisioned> PutSandboxAsync(EnvironmentEndpoint environment, Guid organisationId, SandboxRequest request, CancellationToken cancellationToken) =>
        PutAsync<SandboxRequest, SandboxProvisioned>(environment, EnvironmentAdminApi.Sandbox(organisationId), request, cancellationToken);

    /// <summary>Restores the sandbox business's generated data (its users, apps and consents stay).</summary>
    public async Task<SandboxReset> ResetSandboxAsync(EnvironmentEndpoint environment, Guid organisationId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, HttpMethod.Post, EnvironmentAdminApi.SandboxReset(organisationId), content: null, cancellationToken);
        return await ReadAsync<SandboxReset>(environment, response, cancellationToken);
    }

    /// <summary>What the environment observed about the client (when each secret last authenticated); null if it has no such client.</summary>
    public Task<ClientState?> GetClientAsync(EnvironmentEndpoint environment, Guid clientId, CancellationToken cancellationToken) =>
        GetAsync<ClientState>(environment, EnvironmentAdminApi.Client(clientId), cancellationToken);

    /// <summary>Deletes the client (the environment revokes its tokens first); a client already gone is fine.</summary>
    public async Task<ClientProvisioned> DeleteClientAsync(EnvironmentEndpoint environment, Guid clientId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, HttpMethod.Delete, EnvironmentAdminApi.Client(clientId), content: null, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            EnsureSuccess(environment, response);
        }

        return new ClientProvisioned(clientId, []);
    }

    // ---- Class businesses and users (the admin console's ClassDirectory pages) ----

    public Task<IReadOnlyList<BusinessView>> GetBusinessesAsync(EnvironmentEndpoint environment, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<BusinessView>>(environment, ClassDirectoryApi.Businesses, cancellationToken)!;

    /// <summary>The business, or null if the environment has none with that code.</summary>
    public Task<BusinessView?> GetBusinessAsync(EnvironmentEndpoint environment, string code, CancellationToken cancellationToken) =>
        GetAsync<BusinessView>(environment, ClassDirectoryApi.Business(code), cancellationToken);

    public Task<IReadOnlyList<ClassUserView>> GetUsersAsync(EnvironmentEndpoint environment, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ClassUserView>>(environment, ClassDirectoryApi.Users, cancellationToken)!;

    public Task<ClassUserView?> GetUserAsync(EnvironmentEndpoint environment, string userName, CancellationToken cancellationToken) =>
        GetAsync<ClassUserView>(environment, ClassDirectoryApi.User(userName), cancellationToken);

    /// <summary>Creates or updates the business; the environment's validation errors come back as <see cref="EnvironmentValidationException"/>.</summary>
    public Task<BusinessSaved> PutBusinessAsync(EnvironmentEndpoint environment, string code, BusinessRequest request, CancellationToken cancellationToken) =>
        PutValidatedAsync<BusinessRequest, BusinessSaved>(environment, ClassDirectoryApi.Business(code), request, cancellationToken);

    /// <summary>Creates or updates the Class user; a new user without a password gets one generated by the environment, returned once.</summary>
    public Task<ClassUserSaved> PutUserAsync(EnvironmentEndpoint environment, string userName, ClassUserRequest request, CancellationToken cancellationToken) =>
        PutValidatedAsync<ClassUserRequest, ClassUserSaved>(environment, ClassDirectoryApi.User(userName), request, cancellationToken);

    // ---- Signing keys (ADR 0019; the admin console's SigningKeys page) ----

    public Task<IReadOnlyList<SigningKeyView>> GetSigningKeysAsync(EnvironmentEndpoint environment, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<SigningKeyView>>(environment, EnvironmentAdminApi.SigningKeys, cancellationToken)!;

    /// <summary>Publishes a new signing key that signs from <paramref name="activatesAt"/> (the environment's default when null).</summary>
    public Task<SigningKeyView> PublishSigningKeyAsync(EnvironmentEndpoint environment, DateTimeOffset? activatesAt, CancellationToken cancellationToken) =>
        SendValidatedAsync<SigningKeyRequest, SigningKeyView>(environment, HttpMethod.Post, EnvironmentAdminApi.SigningKeys, new SigningKeyRequest(activatesAt), cancellationToken);

    /// <summary>Retires a key; the environment's reason for refusing (it signs now, tokens it signed may be valid) comes back as <see cref="EnvironmentAdminException"/>.</summary>
    public async Task<bool> RetireSigningKeyAsync(EnvironmentEndpoint environment, string keyId, bool emergency, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, HttpMethod.Delete, EnvironmentAdminApi.SigningKey(keyId) + (emergency ? "?emergency=true" : ""), content: null, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(cancellationToken);
            throw new EnvironmentAdminException($"{problem?.Title} {problem?.Detail}".Trim());
        }

        EnsureSuccess(environment, response);
        return true;
    }

    /// <summary>The resource, or null on 404.</summary>
    private async Task<T?> GetAsync<T>(EnvironmentEndpoint environment, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(environment, HttpMethod.Get, path, content: null, cancellationToken);
        return response.StatusCode == System.Net.HttpStatusCode.NotFound ? null : await ReadAsync<T>(environment, response, cancellationToken);
    }

    private Task<TResponse> PutValidatedAsync<TRequest, TResponse>(EnvironmentEndpoint environment, string path, TRequest body, CancellationToken cancellationToken) =>
        SendValidatedAsync<TRequest, TResponse>(environment, HttpMethod.Put, path, body, cancellationToken);

    /// <summary>A PUT or POST whose 400 carries the environment's field errors (<see cref="EnvironmentValidationException"/>).</summary>
    private async Task<TResponse> SendValidatedAsync<TRequest, TResponse>(EnvironmentEndpoint environment, HttpMethod method, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, method, path, JsonContent.Create(body), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(cancellationToken);
            throw new EnvironmentValidationException(problem?.Errors ?? new Dictionary<string, string[]>());
        }

        return await ReadAsync<TResponse>(environment, response, cancellationToken);
    }

    private async Task<TResponse> PutAsync<TRequest, TResponse>(EnvironmentEndpoint environment, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(environment, HttpMethod.Put, path, JsonContent.Create(body), cancellationToken);
        return await ReadAsync<TResponse>(environment, response, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(EnvironmentEndpoint environment, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(environment.Url.TrimEnd('/') + path, UriKind.Absolute)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(EnvironmentEndpoint environment, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        EnsureSuccess(environment, response);
        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} answered with an empty body.");
    }

    private static void EnsureSuccess(EnvironmentEndpoint environment, HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
    }
}

public sealed class EnvironmentAdminException(string message) : Exception(message);

/// <summary>The environment refused the request as invalid (400 ValidationProblem): field → messages.</summary>
public sealed class EnvironmentValidationException(IDictionary<string, string[]> errors) : Exception("The environment refused the request as invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>A client push whose refused fields were deferrable: secrets, status and scopes were applied (ADR 0022).</summary>
    public bool SecurityStateApplied { get; init; }
}

/// <summary>409: the environment already holds a newer revision of the client (<paramref name="current"/>).</summary>
public sealed class StaleRevisionException(long current) : Exception($"The environment holds revision {current}.")
{
    public long Current { get; } = current;
}
