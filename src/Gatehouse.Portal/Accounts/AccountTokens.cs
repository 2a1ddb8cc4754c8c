using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Portal.Accounts;

public static class AccountTokens
{
    /// <summary>The base64url link code back to Identity's token; null for anything malformed (never a 500).</summary>
    public static string? Decode(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 2000)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
