namespace Gatehouse.Hosting.Contracts;

// Try-it on the portal's API reference (ADR 0013): the portal asks the sandbox environment for a
// short-lived access token for one of the developer's PIE apps, so the page never sees a secret.

public static class TryItApi
{
    /// <summary>POST: issue a short-lived access token (no refresh token) for the client, bound to its sandbox business.</summary>
    public static string Tokens(Guid clientId) => $"{EnvironmentAdminApi.BasePath}/clients/{clientId}/try-it-tokens";

    /// <summary>The longest life a try-it token may have.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);
}

/// <param name="Scopes">The scopes wanted (a product's scopes); the token gets those the client is permitted.</param>
public sealed record TryItTokenRequest(IReadOnlyList<string>? Scopes);

public sealed record TryItTokenIssued(string AccessToken, string TokenType, int ExpiresIn, DateTimeOffset ExpiresAt, string Scope, string BusinessCode);
