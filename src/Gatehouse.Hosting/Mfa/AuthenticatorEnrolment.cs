using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace Gatehouse.Hosting.Mfa;

/// <summary>What both planes' enrolment pages show: the key as an otpauth URI in a QR code.</summary>
public static class AuthenticatorEnrolment
{
    /// <summary>The Key URI Format authenticator apps read (issuer prefix and parameter, as Google Authenticator documents it).</summary>
    public static string OtpAuthUri(string issuer, string account, string base32Key) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={base32Key}&issuer={Uri.EscapeDataString(issuer)}&digits={Authenticator.Digits}&period={Authenticator.StepSeconds}";

    /// <summary>A PNG QR code as a data: URI (the CSP allows img-src data:; no script, no System.Drawing).</summary>
    public static string QrCodeDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>The user's pending or active authenticator key, creating one if there is none.</summary>
    public static async Task<string> AuthenticatorKeyAsync<TUser>(this UserManager<TUser> users, TUser user)
        where TUser : class
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        return key!;
    }
}
