using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.Authorization;

/// <summary>
/// docs/security-checklist.md §4.3 KR1 (rollover: publish, switch, retire) and KR2 (emergency retirement), over real
/// HTTP with a fake clock (ADR 0019).
/// </summary>
public abstract class SigningKeyRotationTests(DatabaseProvider provider)
{
    private const string Scope = "business.fund.list offline_access";

    [Fact]
    public async Task KR1_PublishSwitchRetire_OldKeyTokensKeepWorkingUntilRetired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await EnvironmentUnderTest.StartAsync(provider, time);
        var client = await env.ProvisionClientAppAsync();
        var api = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        var first = await env.PasswordGrantAsync(client, scope: Scope);
        var firstKid = Kid(first.AccessToken);

        // Publish: in the JWKS at once, signing only from its activation.
        using var published = await env.Http.SendAsync(env.Admin(HttpMethod.Post, EnvironmentAdminApi.SigningKeys, new SigningKeyRequest(time.GetUtcNow().AddDays(1))));
        var next = (await published.Content.ReadFromJsonAsync<SigningKeyView>())!;
        var jwksAfterPublish = await JwksKidsAsync(env);
        var beforeActivation = await env.PasswordGrantAsync(client, scope: Scope);

        // Activation: new tokens carry the new kid; tokens the old key signed still work.
        time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(5));
        var lastOfOldKey = await env.PasswordGrantAsync(client, scope: Scope);
        time.Advance(TimeSpan.FromMinutes(6));
        var afterActivation = await env.PasswordGrantAsync(client, scope: Scope);
        using var oldKeyTokenAtApi = await env.GetWithTokenAsync(api, lastOfOldKey.AccessToken);
        var refreshedFromOldKey = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", lastOfOldKey.Get("refresh_token")!));
        using var list = await env.Http.SendAsync(env.Admin(HttpMethod.Get, EnvironmentAdminApi.SigningKeys));
        var keys = await list.Content.ReadFromJsonAsync<SigningKeyView[]>();

        // Retirement: refused while it signs, and while what it signed may be valid.
        using var retireCurrent = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.SigningKey(next.KeyId)));
        using var retireTooEarly = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.SigningKey(firstKid)));
        time.Advance(TimeSpan.FromDays(30));
        using var retired = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.SigningKey(firstKid)));
        var jwksAfterRetirement = await JwksKidsAsync(env);

        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal(SigningKeyView.NextStatus, next.Status);
        Assert.Equal(new[] { firstKid, next.KeyId }.Order(StringComparer.Ordinal), jwksAfterPublish.Order(StringComparer.Ordinal));
        Assert.Equal(firstKid, Kid(beforeActivation.AccessToken));
        Assert.Equal(firstKid, Kid(lastOfOldKey.AccessToken));
        Assert.Equal(next.KeyId, Kid(afterActivation.AccessToken));
        Assert.Equal(HttpStatusCode.OK, oldKeyTokenAtApi.StatusCode);
        Assert.Equal(200, refreshedFromOldKey.Status);
        Assert.Equal(next.KeyId, Kid(refreshedFromOldKey.AccessToken));
        Assert.Equal(SigningKeyView.CurrentStatus, keys!.Single(x => x.KeyId == next.KeyId).Status);
        var previous = keys!.Single(x => x.KeyId == firstKid);
        Assert.Equal(SigningKeyView.PreviousStatus, previous.Status);
        Assert.Equal(next.ActivatesAt!.Value.AddDays(30), previous.RetirableAt);
        Assert.Equal(HttpStatusCode.Conflict, retireCurrent.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retireTooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.Equal([next.KeyId], jwksAfterRetirement);
    }

    [Fact]
    public async Task KR2_EmergencyRetirement_EndsTheKeysTokensAtOnce_OtherNodeWithinOnePoll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await EnvironmentUnderTest.StartAsync(provider, time);
        await using var other = await env.StartNodeAsync();
        var client = await env.ProvisionClientAppAsync();
        var api = $"/api/1.0/b/{client.Sandbox.BusinessCode}/fund-data/fund-list";
        var compromised = await env.PasswordGrantAsync(client, scope: Scope);
        using var atOtherBefore = await other.GetWithTokenAsync(api, compromised.AccessToken);

        // The compromised key is replaced at once and retired in an emergency.
        using var published = await env.Http.SendAsync(env.Admin(HttpMethod.Post, EnvironmentAdminApi.SigningKeys, new SigningKeyRequest(time.GetUtcNow())));
        var replacement = (await published.Content.ReadFromJsonAsync<SigningKeyView>())!;
        using var retired = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.SigningKey(Kid(compromised.AccessToken)) + "?emergency=true"));
        using var atThisNode = await env.GetWithTokenAsync(api, compromised.AccessToken);
        var refresh = await env.TokenAsync(client.ClientId, client.Secret, ("grant_type", "refresh_token"), ("refresh_token", compromised.Get("refresh_token")!));
        var fresh = await env.PasswordGrantAsync(client, scope: Scope);

        // The other node notices within one poll of its watcher.
        time.Advance(TimeSpan.FromMinutes(1));
        var otherJwks = await PollAsync(() => JwksKidsAsync(other), kids => kids.SequenceEqual([replacement.KeyId]));
        using var atOtherAfter = await other.GetWithTokenAsync(api, compromised.AccessToken);
        using var freshAtOther = await other.GetWithTokenAsync(api, fresh.AccessToken);

        Assert.Equal(HttpStatusCode.OK, atOtherBefore.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atThisNode.StatusCode);
        Assert.Equal("invalid_grant", refresh.Error);
        Assert.Equal(replacement.KeyId, Kid(fresh.AccessToken));
        Assert.Equal([replacement.KeyId], otherJwks);
        Assert.Equal(HttpStatusCode.Unauthorized, atOtherAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, freshAtOther.StatusCode);
    }

    [Fact]
    public async Task SigningKeys_ActivationInThePastOrUnknownKey_400Or404()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(provider);

        using var past = await env.Http.SendAsync(env.Admin(HttpMethod.Post, EnvironmentAdminApi.SigningKeys, new SigningKeyRequest(DateTimeOffset.UtcNow.AddHours(-1))));
        using var unknown = await env.Http.SendAsync(env.Admin(HttpMethod.Delete, EnvironmentAdminApi.SigningKey("no-such-kid")));
        using var noKey = await env.Http.GetAsync(EnvironmentAdminApi.SigningKeys);
        var jwks = await JwksKidsAsync(env);

        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("ActivatesAt", await past.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Single(jwks);
    }

    private static string Kid(string jwt) => Jwt.Header(jwt).GetProperty("kid").GetString()!;

    private static async Task<string[]> JwksKidsAsync(EnvironmentUnderTest env)
    {
        var jwks = await env.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 100 && !done(value); i++)
        {
            await Task.Delay(50);
            value = await read();
        }

        return value;
    }
}

public sealed class SqliteSigningKeyRotationTests() : SigningKeyRotationTests(DatabaseProvider.Sqlite);

public sealed class PostgresSigningKeyRotationTests() : SigningKeyRotationTests(DatabaseProvider.Postgres);
