using Gatehouse.Roles;
using Microsoft.Extensions.Configuration;

namespace Gatehouse.Tests.Roles;

public sealed class RoleOptionsTests
{
    private static RoleOptions Parse(params string[] args) =>
        RoleOptions.Parse(new ConfigurationBuilder().AddCommandLine(args).Build());

    [Fact]
    public void Parse_NoArguments_RunsPortalAndBothEnvironments()
    {
        var roles = Parse();
        Assert.True(roles.Portal);
        Assert.Equal(["pie", "production"], roles.Environments);
    }

    [Fact]
    public void Parse_RolePortal_RunsOnlyThePortal()
    {
        var roles = Parse("--role", "portal");
        Assert.True(roles.Portal);
        Assert.Empty(roles.Environments);
    }

    [Theory]
    [InlineData("pie")]
    [InlineData("production")]
    [InlineData("PIE")]
    public void Parse_RoleEnvironment_RunsThatEnvironmentOnly(string environment)
    {
        var roles = Parse("--role", "environment", "--environment", environment);
        Assert.False(roles.Portal);
        Assert.Equal([environment.ToLowerInvariant()], roles.Environments);
    }

    [Theory]
    [InlineData("--role", "environment")]
    [InlineData("--role", "gateway")]
    [InlineData("--environment", "staging")]
    public void Parse_BadArguments_ThrowsWithAClearMessage(params string[] args) =>
        Assert.Throws<ArgumentException>(() => Parse(args));
}
