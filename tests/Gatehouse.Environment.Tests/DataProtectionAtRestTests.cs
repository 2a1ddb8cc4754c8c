using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Environment.Data;
using Gatehouse.Hosting.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Environment.Tests;

/// <summary>
/// Hosting:DataProtection:CertificatePath: the Data Protection key ring (which protects the
/// environment's signing keys, cookies and antiforgery tokens) is stored encrypted with the
/// certificate, and still opens after a restart; without it the keys are stored in clear.
/// </summary>
public sealed class DataProtectionAtRestTests
{
    [Fact]
    public async Task KeyRing_WithCertificate_EncryptedAtRestAndReadableAfterRestart()
    {
        var pfx = Path.Combine(Directory.CreateTempSubdirectory("gatehouse-dp-").FullName, "dp.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Gatehouse Data Protection", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "dp-test"));
        }

        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite, settings:
        [
            new(DataProtectionCertificate.PathKey, pfx),
            new(DataProtectionCertificate.PasswordKey, "dp-test"),
        ]);
        var client = await env.ProvisionClientAppAsync();
        var before = await env.PasswordGrantAsync(client);
        var ring = await KeyRingAsync(env);
        await env.RestartAsync();
        var after = await env.PasswordGrantAsync(client);

        Assert.NotEmpty(ring);
        Assert.All(ring, xml => Assert.Contains("EncryptedXmlDecryptor", xml, StringComparison.Ordinal));
        Assert.All(ring, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        Assert.Equal(200, before.Status);
        Assert.Equal(200, after.Status);
        Assert.Equal(Jwt.Header(before.AccessToken).GetProperty("kid").GetString(), Jwt.Header(after.AccessToken).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task KeyRing_WithoutCertificate_StoredInClear()
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var client = await env.ProvisionClientAppAsync();
        await env.PasswordGrantAsync(client);

        var ring = await KeyRingAsync(env);

        Assert.Contains(ring, xml => xml.Contains("<masterKey", StringComparison.Ordinal));
    }

    private static async Task<List<string>> KeyRingAsync(EnvironmentUnderTest env)
    {
        await using var scope = env.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnvironmentDbContext>();
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }
}
