using Gatehouse.Portal.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Gatehouse.Portal.Mail;

public sealed record OutgoingMail(string To, string Subject, string TextBody, string HtmlBody);

public interface IMailSender
{
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}

/// <summary>
/// Keeps every mail in the outbox table, then sends it over SMTP when a host is configured. An SMTP
/// failure is logged, not thrown: the outbox row is the record, and a person can ask again.
/// </summary>
public sealed class MailSender(PortalDbContext db, IOptions<SmtpOptions> smtp, TimeProvider clock, ILogger<MailSender> logger) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        db.OutboxMessages.Add(new OutboxMessage
        {
            To = mail.To,
            Subject = mail.Subject,
            TextBody = mail.TextBody,
            HtmlBody = mail.HtmlBody,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);

        var options = smtp.Value;
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            return;
        }

        try
        {
            using var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse(options.From));
            message.To.Add(MailboxAddress.Parse(mail.To));
            message.Subject = mail.Subject;
            message.Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody();

            using var client = new SmtpClient { Timeout = 10_000 };
            await client.ConnectAsync(options.Host, options.Port, SecureSocketOptions.Auto, cancellationToken);
            if (!string.IsNullOrEmpty(options.Username))
            {
                await client.AuthenticateAsync(options.Username, options.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Sending mail \"{Subject}\" over SMTP failed; it stays in the outbox", mail.Subject);
        }
    }
}
