using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Gatehouse.Environment.Authorization;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// "Last used" per client secret (ADR 0015): recorded on successful client authentication, by the
/// secret's id, and reported at GET /admin/v1/clients/{id}. On both database providers.
/// </summary>
public abstract class SecretLastUsedTests(DatabaseProvider provider)
{
    [Fact]
    public async Task ClientAuthentication_WithSecretOne_RecordsSecretOneOnly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero));
        await using var env = await EnvironmentUnderTest.StartAsync(provider, time);
        var client = await env.ProvisionClientAppAsync();
        var (firstId, secondId) = (Guid.NewGuid(), Guid.NewGuid());
        var second = ClientSecrets.Generate();
        var clientId = Guid.Parse(client.ClientId);
        await PutAsync(env, clientId, client.Descriptor with
        {
            Secrets = [new ClientSecretHash(firstId, ClientSecrets.Hash(client.Secret), null), new ClientSecretHash(secondId, ClientSecrets.Hash(second), null)],
        });

        var before = await StateAsync(env, clientId);
        Assert.True(before.Enabled);
        Assert.Empty(before.Secrets);

        // A wrong secret authenticates nothing and records nothing.
        Assert.Equal("invalid_client", (await env.TokenAsync(client.ClientId, ClientSecrets.Generate(), ("grant_type", "client_credentials"))).Error);

        var token = await env.PasswordGrantAsync(client);
        Assert.Equal(200, token.Status);
        var usedAt = time.GetUtcNow();
        var after = await WaitForAsync(env, clientId, s => s.Secrets.Count == 1);
        var use = Assert.Single(after.Secrets);
        Assert.Equal(firstId, use.SecretId);
        Assert.Equal(usedAt, use.LastUsedAt);

        // Introspection authenticates the client too: secret 2, two minutes later, is recorded on its own.
        time.Advance(TimeSpan.FromMinutes(2));
        using (var introspect = new HttpRequestMessage(HttpMethod.Post, "/connect/introspect")
        {
            Content = new FormUrlEncodedContent([new("token", "not-a-token")]),
        })
        {
            introspect.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{second}")));
            using var response = await env.Http.SendAsync(introspect);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var both = await WaitForAsync(env, clientId, s => s.Secrets.Count == 2);
        Assert.Equal(usedAt, both.Secrets.Single(s => s.SecretId == firstId).LastUsedAt);
        Assert.Equal(time.GetUtcNow(), both.Secrets.Single(s => s.SecretId == secondId).LastUsedAt);

        // The portal stops sending secret 1 (revoked): its row goes. Deleting the client: 404.
        await PutAsync(env, clientId, client.Descriptor with { Secrets = [new ClientSecretHash(secondId, ClientSecrets.Hash(second), null)] });
        Assert.Equal([secondId], (await StateAsync(env, clientId)).Secrets.Select(s => s.SecretId));
        await PutAsync(env, clientId, client.Descriptor with { Secrets = [new ClientSecretHash(secondId, ClientSecrets.Hash(second), null)], Enabled = false });
        Assert.False((await StateAsync(env, clientId)).Enabled);
        using (var delete = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.Client(clientId))))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var gone = await env.Http.SendAsync(env.Admin(HttpMethod.Get, EnvironmentAdminApi.Client(clientId)));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var anonymous = await env.Http.GetAsync(EnvironmentAdminApi.Client(clientId));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task PutAsync(EnvironmentUnderTest env, Guid clientId, ClientDescriptor descriptor)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Put, EnvironmentAdminApi.Client(clientId), descriptor));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<ClientState> StateAsync(EnvironmentUnderTest env, Guid clientId)
    {
        using var response = await env.Http.SendAsync(env.Admin(HttpMethod.Get, EnvironmentAdminApi.Client(clientId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ClientState>())!;
    }

    // The write happens off the request path: poll, bounded.
    private static async Task<ClientState> WaitForAsync(EnvironmentUnderTest env, Guid clientId, Func<ClientState, bool> done)
    {
        for (var i = 0; i < 100; i++)
        {
            var state = await StateAsync(env, clientId);
            if (done(state))
            {
                return state;
            }

            await Task.Delay(50);
        }

        return await StateAsync(env, clientId);
    }
}

public sealed class SqliteSecretLastUsedTests() : SecretLastUsedTests(DatabaseProvider.Sqlite);

public sealed class PostgresSecretLastUsedTests() : SecretLastUsedTests(DatabaseProvider.Postgres);

public sealed class SecretUseRecorderTests
{
    [Fact]
    public void Record_SameSecretWithinAMinute_QueuesOneWritePerSecretPerMinute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero));
        var recorder = new SecretUseRecorder(time);
        var (one, two) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.True(recorder.Record("client", one));
        Assert.False(recorder.Record("client", one));
        Assert.True(recorder.Record("client", two));
        Assert.True(recorder.Record("other-client", one));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(recorder.Record("client", one));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(recorder.Record("client", one));

        var queued = new List<SecretUse>();
        while (recorder.Reader.TryRead(out var use))
        {
            queued.Add(use);
        }

        Assert.Equal(4, queued.Count);
        Assert.Equal(time.GetUtcNow(), queued[^1].LastUsedAt);
    }
}
