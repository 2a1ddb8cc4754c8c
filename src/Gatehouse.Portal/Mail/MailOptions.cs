namespace Gatehouse.Portal.Mail;

/// <summary>Bound from <c>Portal:Mail</c>.</summary>
public sealed class MailOptions
{
    public const string SectionName = "Portal:Mail";

    /// <summary>Serve <c>/dev/mail</c>, the outbox page. Defaults to on in Development only: it shows every verification link.</summary>
    public bool DevOutbox { get; set; }
}

/// <summary>Bound from <c>Portal:Smtp</c>. Without a Host mails are only kept in the outbox.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Portal:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public string From { get; set; } = "Class API Portal <no-reply@gatehouse.local>";

    public string? Username { get; set; }

    public string? Password { get; set; }
}
