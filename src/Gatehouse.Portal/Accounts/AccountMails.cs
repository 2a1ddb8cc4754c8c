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

    /// <summary>ASVS 6.4.1: a single-use, expiring link (the token embeds the security stamp, which the reset renews).</summary>
    public async Task SendPasswordResetAsync(Developer developer, CancellationToken cancellationToken)
    {
        var token = await users.GeneratePasswordResetTokenAsync(developer);
        var link = $"{portal.Value.BaseUrl}/account/reset-password?userId={developer.Id}&code={Encode(token)}";
        await SendAsync(developer.Email!, "Reset your Class API Developer Portal password",
            "Someone asked to reset the password of your developer account. If it was you, open this link (valid for 24 hours, once):",
            link, "Choose a new password", "If it was not you, ignore this mail: your password has not changed.", cancellationToken);
    }

    /// <summary>Email change: the new address proves it is reachable (ASVS 6.3.7 / docs/security-checklist.md RG5).</summary>
    public async Task SendEmailChangeAsync(Developer developer, string newEmail, CancellationToken cancellationToken)
    {
        var token = await users.GenerateChangeEmailTokenAsync(developer, newEmail);
        var link = $"{portal.Value.BaseUrl}/account/confirm-email?userId={developer.Id}&email={Uri.EscapeDataString(newEmail)}&code={Encode(token)}";
        await SendAsync(newEmail, "Confirm your new email for the Class API Developer Portal",
            $"You asked to change the email of your developer account from {developer.Email} to this address. Confirm it with this link (valid for 24 hours, once):",
            link, "Confirm the new address", "If it was not you, ignore this mail.", cancellationToken);
    }

    /// <summary>The old address hears of the change (ASVS 6.3.7).</summary>
    public Task SendEmailChangedNoticeAsync(string oldEmail, string newEmail, CancellationToken cancellationToken) =>
        SendAsync(oldEmail, "The email of your Class API Developer Portal account changed",
            $"The email of your developer account changed from {oldEmail} to {newEmail}.",
            $"{portal.Value.BaseUrl}/account/forgot-password", "Reset your password", "If it was not you, reset your password and contact your organisation's Owner.", cancellationToken);

    public Task SendPasswordChangedNoticeAsync(Developer developer, CancellationToken cancellationToken) =>
        SendAsync(developer.Email!, "Your Class API Developer Portal password changed",
            "The password of your developer account changed, and every other signed-in browser was signed out.",
            $"{portal.Value.BaseUrl}/account/forgot-password", "Reset your password", "If it was not you, reset your password now.", cancellationToken);

    public Task SendInvitationAsync(string email, string organisationName, string role, string invitedBy, CancellationToken cancellationToken) =>
        SendAsync(email, $"You're invited to {organisationName} on the Class API Developer Portal",
            $"{invitedBy} invited you to join {organisationName} as {role}. Sign up (or sign in) with this address within 7 days:",
            $"{portal.Value.BaseUrl}/account/sign-up", "Join " + organisationName, "If you did not expect this, ignore this mail.", cancellationToken);

    public Task SendJoinDecisionAsync(string email, string organisationName, bool approved, CancellationToken cancellationToken) =>
        SendAsync(email, approved ? $"You have joined {organisationName}" : $"Your request to join {organisationName}",
            approved ? $"Your request to join {organisationName} on the Class API Developer Portal was approved." : $"Your request to join {organisationName} was declined. Ask an Owner or Admin to invite you.",
            $"{portal.Value.BaseUrl}/account/sign-in", "Sign in", "", cancellationToken);

    /// <summary>To each Owner and Admin: someone of the domain asked to join; they decide on the organisation's members page.</summary>
    public Task SendJoinRequestAsync(string to, string organisationName, string requesterEmail, CancellationToken cancellationToken) =>
        SendAsync(to, $"{requesterEmail} asks to join {organisationName}",
            $"{requesterEmail} verified their address and asked to join {organisationName} on the Class API Developer Portal. As an Owner or Admin you can approve the request (choosing their role) or decline it on the organisation's page:",
            $"{portal.Value.BaseUrl}/organisation", "Review join requests", "If you do not know this person, decline the request.", cancellationToken);

    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    private Task SendAsync(string to, string subject, string intro, string link, string linkText, string outro, CancellationToken cancellationToken)
    {
        var html = HtmlEncoder.Default;
        return mail.SendAsync(
            new OutgoingMail(
                to,
                subject,
                $"{intro}\n{link}\n\n{outro}\n",
                $"<p>{html.Encode(intro)}</p><p><a href=\"{html.Encode(link)}\">{html.Encode(linkText)}</a></p><p>{html.Encode(outro)}</p>"),
            cancellationToken);
    }
}
