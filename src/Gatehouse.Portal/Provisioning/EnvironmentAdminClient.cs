using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Portal.Provisioning;

/// <summary>Typed client for an environment's admin API (the contract in Gatehouse.Hosting.Contracts).</summary>
public sealed class EnvironmentAdminClient(HttpClient http)
{
    public Task<ClientProvisioned> PutClientAsync(EnvironmentEndpoint environment, Guid clientId, ClientDescriptor descriptor, CancellationToken cancellationToken) =>
        PutAsync<ClientDescriptor, ClientProvisioned>(environment, EnvironmentAdminApi.Client(clientId), descriptor, cancellationToken);

    public Task<SandboxProvisioned> PutSandboxAsync(EnvironmentEndpoint environment, Guid organisationId, SandboxRequest request, CancellationToken cancellationToken) =>
        PutAsync<SandboxRequest, SandboxProvisioned>(environment, EnvironmentAdminApi.Sandbox(organisationId), request, cancellationToken);

    /// <summary>Restores the sandbox business's generated data (its users, apps and consents stay).</summary>
    public async Task<SandboxReset> ResetSandboxAsync(EnvironmentEndpoint environment, Guid organisationId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(environment.Url.TrimEnd('/') + EnvironmentAdminApi.SandboxReset(organisationId), UriKind.Absolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return (await response.Content.ReadFromJsonAsync<SandboxReset>(cancellationToken))
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} sent an empty answer.");
    }

    /// <summary>What the environment observed about the client (when each secret last authenticated); null if it has no such client.</summary>
    public async Task<ClientState?> GetClientAsync(EnvironmentEndpoint environment, Guid clientId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(environment.Url.TrimEnd('/') + EnvironmentAdminApi.Client(clientId), UriKind.Absolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return await response.Content.ReadFromJsonAsync<ClientState>(cancellationToken)
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} sent an empty answer.");
    }

    /// <summary>Deletes the client (the environment revokes its tokens first); a client already gone is fine.</summary>
    public async Task<ClientProvisioned> DeleteClientAsync(EnvironmentEndpoint environment, Guid clientId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(environment.Url.TrimEnd('/') + EnvironmentAdminApi.Client(clientId), UriKind.Absolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
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

    private async Task<T?> GetAsync<T>(EnvironmentEndpoint environment, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(environment.Url.TrimEnd('/') + path, UriKind.Absolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} answered with an empty body.");
    }

    private async Task<TResponse> PutValidatedAsync<TRequest, TResponse>(EnvironmentEndpoint environment, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(environment.Url.TrimEnd('/') + path, UriKind.Absolute))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(cancellationToken);
            throw new EnvironmentValidationException(problem?.Errors ?? new Dictionary<string, string[]>());
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return await response.Content.ReadFromJsonAsync<TResponse>(cancellationToken)
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} answered with an empty body.");
    }

    private async Task<TResponse> PutAsync<TRequest, TResponse>(EnvironmentEndpoint environment, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(environment.Url.TrimEnd('/') + path, UriKind.Absolute))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", environment.AdminApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new EnvironmentAdminException($"{environment.DisplayName} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return await response.Content.ReadFromJsonAsync<TResponse>(cancellationToken)
            ?? throw new EnvironmentAdminException($"{environment.DisplayName} answered with an empty body.");
    }
}

public sealed class EnvironmentAdminException(string message) : Exception(message);

/// <summary>The environment refused the request as invalid (400 ValidationProblem): field → messages.</summary>
public sealed class EnvironmentValidationException(IDictionary<string, string[]> errors) : Exception("The environment refused the request as invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}
