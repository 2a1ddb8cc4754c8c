using System.Text.RegularExpressions;
using Gatehouse.Hosting.Contracts;

namespace Gatehouse.Hosting.Tests.Contracts;

public sealed partial class ClientSecretsTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex GuidLayout();

    [Fact]
    public void Generate_Always_UsesTheGuidLayoutInLowercaseHex()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Matches(GuidLayout(), ClientSecrets.Generate());
        }
    }

    [Fact]
    public void Generate_ManySecrets_HasNoFixedVersionOrVariantBitsAndNoRepeats()
    {
        // A v4 UUID fixes the version nibble (position 14 = '4') and the variant bits (position 19
        // in 8,9,a,b). Over 2,000 secrets every position must take many values, and none repeats.
        var secrets = Enumerable.Range(0, 2000).Select(_ => ClientSecrets.Generate()).ToList();
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
        Assert.True(secrets.Select(s => s[14]).Distinct().Count() > 8, "version nibble looks fixed");
        Assert.True(secrets.Select(s => s[19]).Distinct().Count() > 8, "variant nibble looks fixed");
    }

    [Fact]
    public void Verify_TheIssuedSecret_Succeeds()
    {
        var secret = ClientSecrets.Generate();
        Assert.True(ClientSecrets.Verify(secret, ClientSecrets.Hash(secret)));
    }

    [Theory]
    [InlineData("upper")]
    [InlineData("other")]
    [InlineData("truncated")]
    [InlineData("empty")]
    public void Verify_AnythingButTheIssuedSecret_Fails(string variant)
    {
        var secret = ClientSecrets.Generate();
        var presented = variant switch
        {
            "upper" => secret.ToUpperInvariant(),
            "other" => ClientSecrets.Generate(),
            "truncated" => secret[..^1],
            _ => "",
        };
        Assert.False(ClientSecrets.Verify(presented, ClientSecrets.Hash(secret)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Verify_AMalformedStoredHash_FailsWithoutThrowing(string stored) =>
        Assert.False(ClientSecrets.Verify(ClientSecrets.Generate(), stored));

    [Fact]
    public void Hash_IsNotThePlaintext_AndHintIsTheLastFourCharacters()
    {
        var secret = ClientSecrets.Generate();
        Assert.DoesNotContain(secret, ClientSecrets.Hash(secret), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(secret[^4..], ClientSecrets.Hint(secret));
    }
}
