using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Hosting.Contracts;

/// <summary>
/// Client secrets: 128 bits from a CSPRNG rendered in the guide's 8-4-4-4-12 hex layout (ADR 0003).
/// Unlike a v4 UUID no bits are fixed, so all 128 are random (ASVS 11.5.1). Because the secret has
/// full entropy, a single SHA-256 is a safe at-rest form (ASVS 6.5.2) and lets the token endpoint
/// verify it in microseconds instead of PBKDF2's milliseconds.
/// </summary>
public static class ClientSecrets
{
    public const int HintLength = 4;

    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>The stored form: base64 of SHA-256 over the secret as issued (case-sensitive).</summary>
    public static string Hash(string secret) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public static bool Verify(string presented, string storedHash)
    {
        Span<byte> expected = stackalloc byte[32];
        if (!Convert.TryFromBase64String(storedHash, expected, out var written) || written != 32)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>The last characters of a secret, enough to tell two apart in a list.</summary>
    public static string Hint(string secret) => secret[^HintLength..];
}
