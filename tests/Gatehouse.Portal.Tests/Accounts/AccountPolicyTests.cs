using System.ComponentModel.DataAnnotations;
using Gatehouse.Portal.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Tests.Accounts;

/// <summary>The password list, the hasher's iteration knob and the session timeout settings, without a running portal.</summary>
public sealed class AccountPolicyTests
{
    [Fact]
    public void CommonPasswordList_Loaded_IsTheBreachCorpus()
    {
        // 43,940 entries of ≥ 12 characters plus the 10,000 most frequent (see common-passwords.NOTICE.md).
        Assert.InRange(PasswordPolicy.ListedCount, 50_000, 60_000);
    }

    [Theory]
    [InlineData("password1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("QwertyUIOP123")]
    [InlineData("iloveyou1234")]
    [InlineData("administrator")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("justinbieber")]
    public void IsCommon_RealBreachedPassword_True(string password) => Assert.True(PasswordPolicy.IsCommon(password));

    [Theory]
    [InlineData("password123456")]
    [InlineData("dragon!!!!!!!!")]
    [InlineData("sunshine2024!!")]
    [InlineData("monkey 1234567")]
    public void IsCommon_CommonPasswordWithDigitsOrSymbolsAppended_True(string password) => Assert.True(PasswordPolicy.IsCommon(password));

    [Theory]
    [InlineData(PortalUnderTest.Password)]
    [InlineData("a long passphrase for the browser test")]
    [InlineData("ça va, koala sits in a gum tree")]
    [InlineData("tr0ub4dor&3 plus horses")]
    [InlineData("1234567890123457")]
    public void IsCommon_Passphrase_False(string password) => Assert.False(PasswordPolicy.IsCommon(password));

    [Fact]
    public void PasswordHashing_NotConfigured_Owasp600kIterations()
    {
        using var app = Build([]);

        Assert.Equal(600_000, app.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value.IterationCount);
    }

    [Fact]
    public void PasswordHashing_ConfiguredHigher_Applied()
    {
        using var app = Build(new() { ["Portal:PasswordHashing:Iterations"] = "1200000" });

        Assert.Equal(1_200_000, app.Services.GetRequiredService<IOptions<PasswordHasherOptions>>().Value.IterationCount);
    }

    [Fact]
    public async Task PasswordHashing_ConfiguredBelowMinimum_RefusedAtStart()
    {
        await using var app = Build(new() { ["Portal:PasswordHashing:Iterations"] = "1000" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Portal:PasswordHashing:Iterations", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(30, 8, true)]
    [InlineData(480, 8, true)]
    [InlineData(481, 8, false)]
    [InlineData(0, 8, false)]
    [InlineData(30, 0, false)]
    public void SessionTimeoutOptions_Values_ValidatedAsExpected(int idleMinutes, int absoluteHours, bool valid)
    {
        var options = new SessionTimeoutOptions { IdleTimeoutMinutes = idleMinutes, AbsoluteTimeoutHours = absoluteHours };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public void SessionTimeoutOptions_Defaults_ThirtyMinutesIdleEightHoursAbsolute()
    {
        var options = new SessionTimeoutOptions();

        Assert.Equal(TimeSpan.FromMinutes(30), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(8), options.AbsoluteTimeout);
    }

    /// <summary>A portal built (not started unless the test starts it) on a throw-away SQLite file, with no service hook.</summary>
    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        settings["Portal:Url"] = Gatehouse.Testing.FreePort.NextUrl();
        settings["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "gatehouse-portal-tests", Guid.NewGuid().ToString("N"));
        return PortalPlane.Build([], c => c.AddInMemoryCollection(settings));
    }
}
