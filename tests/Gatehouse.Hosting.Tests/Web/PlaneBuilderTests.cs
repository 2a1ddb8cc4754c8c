using Gatehouse.Hosting.Web;

namespace Gatehouse.Hosting.Tests.Web;

public sealed class PlaneBuilderTests
{
    [Theory]
    [InlineData(new[] { "--role", "environment", "--environment", "pie" }, new string[0])]
    [InlineData(new[] { "--environment=production", "--Portal:Url=http://x" }, new[] { "--Portal:Url=http://x" })]
    [InlineData(new[] { "--Role", "portal", "--urls", "http://y" }, new[] { "--urls", "http://y" })]
    public void WithoutRoleArguments_RoleAndEnvironment_AreNotPassedToTheHost(string[] args, string[] expected) =>
        Assert.Equal(expected, PlaneBuilder.WithoutRoleArguments(args));
}
