using System.IO.Compression;
using System.Text;

namespace Gatehouse.Environment.Dms;

/// <summary>
/// Decides a document's type from its bytes (magic numbers), never from the name or the client's
/// Content-Type (OWASP File Upload Cheat Sheet: "validate the file type, don't trust the
/// Content-Type header"; ASVS 5.2.2). Executables are refused whatever they are called.
/// </summary>
public static class ContentSniffer
{
    private static readonly Dictionary<string, string> ExtensionTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".txt"] = "text/plain",
        [".csv"] = "text/csv",
    };

    public static IReadOnlyCollection<string> AllowedExtensions => ExtensionTypes.Keys;

    /// <summary>The media types a stored document can have (and a download answers with).</summary>
    public static IReadOnlyList<string> MediaTypes => [.. ExtensionTypes.Values.Distinct(StringComparer.Ordinal)];

    /// <summary>The media type, or the reason the content is refused.</summary>
    public static (string? ContentType, string? Refusal) Sniff(Stream content, string fileName)
    {
        Span<byte> head = stackalloc byte[8];
        content.Position = 0;
        var read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        content.Position = 0;

        if (head.StartsWith("MZ"u8) || head.StartsWith((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']) || head.StartsWith((ReadOnlySpan<byte>)[0xCF, 0xFA, 0xED, 0xFE]) || head.StartsWith("#!"u8))
        {
            return (null, "Executable files are not accepted, whatever their name.");
        }

        var detected = head switch
        {
            _ when head.StartsWith("%PDF-"u8) => "application/pdf",
            _ when head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]) => "image/png",
            _ when head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) => "image/jpeg",
            _ when head.StartsWith("PK\u0003\u0004"u8) => OfficeType(content),
            _ => TextType(content, fileName),
        };
        if (detected is null)
        {
            return (null, $"The content is not one of the accepted types (PDF, PNG, JPEG, DOCX, XLSX, plain text or CSV).");
        }

        // A name that promises another type is refused too: apps must not mislabel documents.
        var extension = Path.GetExtension(fileName);
        if (!ExtensionTypes.TryGetValue(extension, out var promised))
        {
            return (null, $"The file name must end in one of {string.Join(", ", ExtensionTypes.Keys)}.");
        }

        var compatible = promised == detected || (promised.StartsWith("text/", StringComparison.Ordinal) && detected.StartsWith("text/", StringComparison.Ordinal));
        return compatible ? (promised.StartsWith("text/", StringComparison.Ordinal) ? promised : detected, null) : (null, $"The content is {detected}, but the name says {extension}.");
    }

    private static string? OfficeType(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToList();
            if (!names.Contains("[Content_Types].xml"))
            {
                return null;
            }

            return names.Any(n => n.StartsWith("word/", StringComparison.Ordinal)) ? ExtensionTypes[".docx"]
                : names.Any(n => n.StartsWith("xl/", StringComparison.Ordinal)) ? ExtensionTypes[".xlsx"]
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>Text is strict UTF-8 (an optional BOM) without NUL bytes.</summary>
    private static string? TextType(Stream content, string fileName)
    {
        if (content.Length == 0)
        {
            return null;
        }

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            using var reader = new StreamReader(content, strict, detectEncodingFromByteOrderMarks: false, bufferSize: 81920, leaveOpen: true);
            var buffer = new char[81920];
            int n;
            while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (buffer.AsSpan(0, n).Contains('\0'))
                {
                    return null;
                }
            }
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        finally
        {
            content.Position = 0;
        }

        return Path.GetExtension(fileName).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "text/csv" : "text/plain";
    }
}
