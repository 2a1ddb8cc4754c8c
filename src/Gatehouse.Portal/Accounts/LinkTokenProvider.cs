using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// Identity's <see cref="DataProtectorTokenProvider{TUser}"/> (verification, password-reset and
/// email-change links) reads the system clock for the token's creation time and expiry. This one
/// does the same with the injected <see cref="TimeProvider"/>, so link expiry follows the portal's
/// clock (and a test's fake one). Same content: created-at, user id, purpose, security stamp,
/// protected by Data Protection; the stamp makes a link single-use once it is renewed.
/// </summary>
public sealed class LinkTokenProvider(
    IDataProtectionProvider protection,
    IOptions<DataProtectionTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<Developer>> logger,
    TimeProvider clock) : DataProtectorTokenProvider<Developer>(protection, options, logger)
{
    public override async Task<string> GenerateAsync(string purpose, UserManager<Developer> manager, Developer user)
    {
        using var stream = new MemoryStream();
        await using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(clock.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose ?? "");
            writer.Write(manager.SupportsUserSecurityStamp ? await manager.GetSecurityStampAsync(user) ?? "" : "");
        }

        return Convert.ToBase64String(Protector.Protect(stream.ToArray()));
    }

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<Developer> manager, Developer user)
    {
        try
        {
            using var stream = new MemoryStream(Protector.Unprotect(Convert.FromBase64String(token)));
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            if (created + Options.TokenLifespan < clock.GetUtcNow())
            {
                return false;
            }

            if (reader.ReadString() != await manager.GetUserIdAsync(user) || reader.ReadString() != purpose)
            {
                return false;
            }

            var stamp = reader.ReadString();
            if (stream.Position != stream.Length)
            {
                return false;
            }

            return !manager.SupportsUserSecurityStamp || stamp == (await manager.GetSecurityStampAsync(user) ?? "");
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or System.Security.Cryptography.CryptographicException or ArgumentOutOfRangeException)
        {
            // Malformed or tampered: refused, never a 500.
            return false;
        }
    }
}
