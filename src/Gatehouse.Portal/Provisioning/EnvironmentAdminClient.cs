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
