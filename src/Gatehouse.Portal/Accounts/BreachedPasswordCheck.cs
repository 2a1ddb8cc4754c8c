using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// Bound from <c>Portal:PasswordBreachCheck</c>. Off unless <see cref="RangeUrl"/> is set (this
/// deployment has no internet by default; the shipped list is the offline check, ADR 0011).
/// </summary>
public sealed class BreachedPasswordOptions
{
    public const string SectionName = "Portal:PasswordBreachCheck";

    /// <summary>
    /// The k-anonymity range API, ending before the 5-character prefix, e.g.
    /// <c>https://api.pwnedpasswords.com/range/</c>. Null or empty: no check.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Url]
    public string? RangeUrl { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 30)]
    public int TimeoutSeconds { get; set; } = 3;
}

/// <summary>
/// ASVS 6.2.12: a password found in a breach corpus is refused. Uses the Have I Been Pwned range API
/// by k-anonymity: only the first 5 hex characters of the password's SHA-1 leave the portal, with
/// <c>Add-Padding: true</c> so the response size does not hint at the prefix either; the suffixes
/// come back and are compared here. Fails open (accepts, logs a warning) when the API cannot be
/// reached: an outage must not stop every sign-up and password change, and the shipped list still
/// applies (ADR 0011).
/// </summary>
public sealed class BreachedPasswordCheck(HttpClient http, IOptions<BreachedPasswordOptions> options, ILogger<BreachedPasswordCheck> logger) : IPasswordValidator<Developer>
{
    public const string BreachedPasswordCode = "PasswordBreached";

    public async Task<IdentityResult> ValidateAsync(UserManager<Developer> manager, Developer user, string? password)
    {
        var url = options.Value.RangeUrl;
        if (string.IsNullOrWhiteSpace(url) || string.IsNullOrEmpty(password))
        {
            return IdentityResult.Success;
        }

#pragma warning disable CA5350 // SHA-1 is what the range API indexes by; it protects nothing here (only 5 hex characters are sent).
        var hash = Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(password)));
#pragma warning restore CA5350
        var (prefix, suffix) = (hash[..5], hash[5..]);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            using var request = new HttpRequestMessage(HttpMethod.Get, url + prefix);
            request.Headers.Add("Add-Padding", "true");
            using var response = await http.SendAsync(request, timeout.Token);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            foreach (var line in body.Split('\n'))
            {
                // "SUFFIX:COUNT"; padding lines have a count of 0.
                var parts = line.Trim().Split(':');
                if (parts.Length == 2 && string.Equals(parts[0], suffix, StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(parts[1], out var count) && count > 0)
                {
                    return IdentityResult.Failed(new IdentityError
                    {
                        Code = BreachedPasswordCode,
                        Description = "This password has appeared in a data breach: choose another one, for example a few unrelated words.",
                    });
                }
            }

            return IdentityResult.Success;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning(e, "The breached-password check at {RangeUrl} could not be reached; the password was judged by the shipped list only", url);
            return IdentityResult.Success;
        }
    }
}
