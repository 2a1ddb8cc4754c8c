using Gatehouse.Hosting.Mfa;

namespace Gatehouse.Hosting.Tests.Mfa;

public sealed class AuthenticatorTests
{
    // RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" (ASCII), here in base32.
    private const string RfcKey = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_234_567_890);
    private static readonly long Step = Now.ToUnixTimeSeconds() / Authenticator.StepSeconds;

    [Theory]
    [InlineData(59, "287082")]
    [InlineData(1_111_111_109, "081804")]
    [InlineData(1_234_567_890, "005924")]
    public void Code_RfcTestVectors_AreTheLastSixDigits(long unixSeconds, string expected) =>
        Assert.Equal(expected, Authenticator.Code(RfcKey, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void MF2_Check_CodeOfTheCurrentStep_AcceptedWithThatStep() =>
        Assert.Equal(new TotpCheck(TotpOutcome.Accepted, Step), Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now), Now, lastAcceptedStep: null));

    [Fact]
    public void MF2_Check_CodeOfTheLastAcceptedStep_Reused() =>
        Assert.Equal(TotpOutcome.Reused, Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now), Now, lastAcceptedStep: Step).Outcome);

    [Fact]
    public void MF2_Check_CodeOfAStepBeforeTheLastAccepted_Reused() =>
        Assert.Equal(TotpOutcome.Reused, Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now.AddSeconds(-30)), Now, lastAcceptedStep: Step).Outcome);

    [Fact]
    public void MF2_Check_NextStepAfterTheLastAccepted_Accepted() =>
        Assert.Equal(new TotpCheck(TotpOutcome.Accepted, Step + 1), Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now.AddSeconds(30)), Now, lastAcceptedStep: Step));

    [Theory]
    [InlineData(-30)]
    [InlineData(30)]
    public void Check_OneStepOfClockDrift_Accepted(int driftSeconds) =>
        Assert.Equal(TotpOutcome.Accepted, Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now.AddSeconds(driftSeconds)), Now, null).Outcome);

    [Theory]
    [InlineData(-60)]
    [InlineData(60)]
    public void Check_TwoStepsOfClockDrift_Wrong(int driftSeconds) =>
        Assert.Equal(TotpOutcome.Wrong, Authenticator.Check(RfcKey, Authenticator.Code(RfcKey, Now.AddSeconds(driftSeconds)), Now, null).Outcome);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00592")]
    [InlineData("0059244")]
    [InlineData("00592a")]
    [InlineData("٠٠٥٩٢٤")]
    public void Check_NotSixAsciiDigits_Wrong(string? code) =>
        Assert.Equal(TotpOutcome.Wrong, Authenticator.Check(RfcKey, code, Now, null).Outcome);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base32!")]
    [InlineData("GEZDGNBVGY3TQOJ1")]
    public void Check_KeyNotBase32_WrongNotAnException(string? key) =>
        Assert.Equal(TotpOutcome.Wrong, Authenticator.Check(key, "005924", Now, null).Outcome);

    [Fact]
    public void Check_KeyInLowercaseWithSpacesAndPadding_SameCodes() =>
        Assert.Equal(TotpOutcome.Accepted, Authenticator.Check("gezd gnbv gy3t qojq gezd gnbv gy3t qojq==", "005924", Now, null).Outcome);

    [Fact]
    public void OtpAuthUri_Always_CarriesIssuerAccountAndTheSixDigitThirtySecondParameters() =>
        Assert.Equal("otpauth://totp/Class%20PIE:u%40class.example?secret=ABC&issuer=Class%20PIE&digits=6&period=30",
            AuthenticatorEnrolment.OtpAuthUri("Class PIE", "u@class.example", "ABC"));

    [Fact]
    public void QrCodeDataUri_AnyText_IsAPngDataUri()
    {
        var uri = AuthenticatorEnrolment.QrCodeDataUri("otpauth://totp/x:y?secret=ABC");

        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(uri["data:image/png;base64,".Length..])[..4]);
    }
}
