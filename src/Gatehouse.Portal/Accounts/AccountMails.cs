using System.Text;
using System.Text.Encodings.Web;
using Gatehouse.Portal.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>The mails of the account flow. Links are built from Portal:Url, never from the request's Host header.</summary>
public sealed class AccountMails(UserManager<Developer> users, IMailSender mail, IOptions<PortalOptions> portal)
{
    public async Task SendVerificationAsync(Developer developer, CancellationToken cancellationToken)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(developer);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = $"{portal.Value.BaseUrl}/account/verify?userId={developer.Id}&code={code}";
        var html = HtmlEncoder.Default;
        await mail.SendAsync(
            new OutgoingMail(
                developer.Email!,
                "Verify your email for the Class API Developer Portal",
                $"Welcome to the Class API Developer Portal.\n\nVerify your email address by opening this link (valid for 24 hours, once):\n{link}\n\nIf you did not sign up, ignore this mail.\n",
                $"<p>Welcome to the Class API Developer Portal.</p><p><a href=\"{html.Encode(link)}\">Verify your email address</a> (valid for 24 hours, once).</p><p>If you did not sign up, ignore this mail.</p>"),
            cancellationToken);
    }

    /// <summary>
    /// Sign-up with an address that already has an account: the page says the same as for a new one
    /// (no enumeration, ASVS 6.3.8); only the owner of the mailbox learns it exists.
    /// </summary>
    public async Task SendAlreadyRegisteredAsync(Developer developer, CancellationToken cancellationToken)
    {
        if (!developer.EmailConfirmed)
        {
            await SendVerificationAsync(developer, cancellationToken);
            return;
        }

        var link = $"{portal.Value.BaseUrl}/account/sign-in";
        await mail.SendAsync(
            new OutgoingMail(
                developer.Email!,
                "You already have a Class API Developer Portal account",
                $"Someone tried to sign up with this address, which already has an account.\n\nSign in here:\n{link}\n\nIf it was not you, you can ignore this mail.\n",
                $"<p>Someone tried to sign up with this address, which already has an account.</p><p><a href=\"{HtmlEncoder.Default.Encode(link)}\">Sign in</a></p><p>If it was not you, you can ignore this mail.</p>"),
            cancellationToken);
    }
}
