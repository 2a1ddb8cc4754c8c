using Gatehouse.Environment.Sandbox;

namespace Gatehouse.Environment.Tests;

public sealed class SandboxGeneratorTests
{
    [Fact]
    public void Funds_SameOrganisation_AreIdentical()
    {
        var organisation = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        var first = SandboxGenerator.Funds(organisation, "Brand");
        var second = SandboxGenerator.Funds(organisation, "Brand");

        Assert.Equal(first.Select(f => (f.Id, f.Code, f.Name, f.Abn, f.Status, string.Join(',', f.Tags))),
            second.Select(f => (f.Id, f.Code, f.Name, f.Abn, f.Status, string.Join(',', f.Tags))));
        Assert.InRange(first.Count, 4, 6);
        Assert.Equal(first.Count, first.Select(f => f.Code).Distinct().Count());
    }

    [Fact]
    public void BusinessCode_AnyOrganisation_IsSbxAndSixBase32Characters()
    {
        var code = SandboxGenerator.BusinessCode(Guid.NewGuid());

        Assert.Matches("^SBX[A-Z2-7]{6}$", code);
    }

    [Fact]
    public void Abn_GeneratedFromAnySeed_PassesTheAtoCheck()
    {
        for (var seed = 0; seed < 500; seed++)
        {
            Assert.True(SandboxGenerator.IsValidAbn(SandboxGenerator.Abn(new Random(seed))));
        }
    }

    [Theory]
    [InlineData("51824753556", true)] // the ATO's published example
    [InlineData("51824753557", false)]
    [InlineData("5182475355", false)]
    public void IsValidAbn_KnownValues_AreClassified(string abn, bool valid) =>
        Assert.Equal(valid, SandboxGenerator.IsValidAbn(abn));
}
