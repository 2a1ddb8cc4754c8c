using System.Globalization;
using System.Security.Cryptography;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.Identity;

namespace Gatehouse.Environment.Account;

/// <summary>
/// TOTP (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits) that accepts each time step at most once per
/// user. Identity's <see cref="AuthenticatorTokenProvider{TUser}"/> accepts a code again and again
/// inside its window; ASVS 6.5.1/6.5.5 (SECURITY.md MF2) want a used code refused. The last accepted
/// step is stored in the user's Identity tokens (no schema change) and written with the user's
/// concurrency stamp, so two requests racing with one code cannot both win. One step of clock drift
/// either way is tolerated (RFC 6238 §5.2), never an older step than the last one accepted.
/// </summary>
public sealed class ReplayProtectedAuthenticatorTokenProvider(TimeProvider time) : IUserTwoFactorTokenProvider<ClassUser>
{
    public const string LoginProvider = "[Gatehouse]";
    public const string LastStepName = "TotpLastAcceptedStep";
    private const int StepSeconds = 30;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ClassUser> manager, ClassUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Codes come from the user's authenticator app, never from us.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ClassUser> manager, ClassUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ClassUser> manager, ClassUser user)
    {
        if (token is not { Length: 6 } || !token.All(char.IsAsciiDigit)
            || await manager.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } key
            || Base32(key) is not { Length: > 0 } secret)
        {
            return false;
        }

        var last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), NumberStyles.Integer, CultureInfo.InvariantCulture, out var stored) ? stored : long.MinValue;
        var current = time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        foreach (var step in new[] { current - 1, current, current + 1 })
        {
            if (step <= last || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                continue;
            }

            // Fails on a concurrency conflict: another request just used a code of this user.
            var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(CultureInfo.InvariantCulture));
            return saved.Succeeded;
        }

        return false;
    }

    public static string Code(byte[] secret, long step)
    {
        var message = BitConverter.GetBytes(step);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }

#pragma warning disable CA5350 // RFC 6238 TOTP is defined over HMAC-SHA-1, as authenticator apps compute it.
        var hash = HMACSHA1.HashData(secret, message);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 (the authenticator key format), case-insensitive, padding and spaces ignored.</summary>
    public static byte[] Base32(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in input.ToUpperInvariant())
        {
            if (c is '=' or ' ')
            {
                continue;
            }

            var index = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                return [];
            }

            value = (value << 5) | index;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }
}
