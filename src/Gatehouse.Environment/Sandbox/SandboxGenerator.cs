using System.Security.Cryptography;
using Gatehouse.Environment.Businesses;

namespace Gatehouse.Environment.Sandbox;

/// <summary>
/// Synthetic but realistic sandbox data, derived only from the organisation id: the same
/// organisation always gets the same business code and funds, on every environment and node.
/// Seeds come from SHA-256, never <see cref="string.GetHashCode()"/> (randomised per process).
/// </summary>
public static class SandboxGenerator
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private static readonly string[] Families =
        ["Smith", "Nguyen", "Patel", "Williams", "Brown", "Chen", "Jones", "Taylor", "Wilson", "Kelly", "Singh", "Martin", "Murphy", "Walker"];

    private static readonly string[] TagPool = ["Accumulation", "Pension", "Property", "Shares", "Audit due", "New client"];

    /// <summary>"SBX" and six base32 characters of the hash, plus more if a (very unlikely) collision needs them.</summary>
    public static string BusinessCode(Guid organisationId, int extraCharacters = 0)
    {
        var hash = Hash(organisationId, "business-code");
        var chars = new char[6 + extraCharacters];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base32[hash[i] % 32];
        }

        return "SBX" + new string(chars);
    }

    public static List<Fund> Funds(Guid organisationId, string brandName)
    {
        var random = new Random(BitConverter.ToInt32(Hash(organisationId, "funds"), 0));
        var count = random.Next(4, 7);
        var families = Families.OrderBy(_ => random.Next()).Take(count).ToList();
        var funds = new List<Fund>(count);
        for (var i = 0; i < count; i++)
        {
            var family = families[i];
            var code = family.ToUpperInvariant() + "SF";

            // Most funds are up to date to the last financial year (30 June); newer ones are pending setup.
            var pending = i == count - 1 && random.Next(2) == 0;
            var processedTo = new DateTimeOffset(2025 - random.Next(2), 6, 30, 0, 0, 0, TimeSpan.Zero);
            funds.Add(new Fund
            {
                Id = new Guid(Hash(organisationId, "fund:" + code).AsSpan(0, 16)),
                Code = code,
                Name = $"{family} Family Super Fund",
                BrandName = brandName,
                Abn = Abn(random),
                Status = pending ? FundStatus.Pending : FundStatus.Active,
                LegalEntityType = "SMSF",
                Tags = [.. TagPool.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).Order(StringComparer.Ordinal)],
                SummaryIsValid = !pending,
                LastPeriodUpdateEndDate = pending ? null : processedTo,
                ProcessedToDate = pending ? null : processedTo,
            });
        }

        return funds;
    }

    /// <summary>
    /// An 11-digit ABN that passes the ATO check: subtract 1 from the first digit, weight the digits
    /// 10,1,3,5,...,19, and the sum is divisible by 89. The first two digits are the check digits.
    /// </summary>
    public static string Abn(Random random)
    {
        var body = new int[9];
        var sum = 0;
        int[] weights = [3, 5, 7, 9, 11, 13, 15, 17, 19];
        for (var i = 0; i < 9; i++)
        {
            body[i] = random.Next(10);
            sum += body[i] * weights[i];
        }

        // (first - 1) * 10 + second == prefix - 10, which must bring the sum to a multiple of 89.
        var prefix = 10 + ((89 - (sum % 89)) % 89);
        return prefix.ToString("00") + string.Concat(body);
    }

    public static bool IsValidAbn(string abn)
    {
        if (abn.Length != 11 || !abn.All(char.IsAsciiDigit))
        {
            return false;
        }

        int[] weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
        var sum = 0;
        for (var i = 0; i < 11; i++)
        {
            var digit = abn[i] - '0' - (i == 0 ? 1 : 0);
            sum += digit * weights[i];
        }

        return sum % 89 == 0;
    }

    private static byte[] Hash(Guid organisationId, string purpose) =>
        SHA256.HashData([.. organisationId.ToByteArray(), .. System.Text.Encoding.UTF8.GetBytes(purpose)]);
}
