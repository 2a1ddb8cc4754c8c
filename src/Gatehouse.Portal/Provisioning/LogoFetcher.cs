using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Portal.Provisioning;

/// <summary>
/// Turns an app's logo URL into the small <c>data:image/png|jpeg;base64,</c> URI the environment shows
/// on its consent page (ADR 0012): the consent page loads nothing from third parties (docs/security-checklist.md
/// AZ10), so the portal fetches the image once per sync and pushes the bytes. The URL is the
/// developer's, so the fetch is an SSRF surface and is fenced: https only, no redirects, only public
/// addresses (checked on the address actually connected to, so DNS rebinding cannot reach the
/// environments' admin APIs or anything else internal), 5 s, 100 kB, PNG or JPEG by magic bytes.
/// Any failure just means no logo; it never fails the app's sync.
/// </summary>
public sealed class LogoFetcher(HttpClient http, ILogger<LogoFetcher> logger)
{
    public const int MaxBytes = 100_000;

    public async Task<string?> DataUriAsync(string? logoUrl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(logoUrl) || !Uri.TryCreate(logoUrl.Trim(), UriKind.Absolute, out var url)
            || url.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(url.UserInfo))
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxBytes)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[MaxBytes + 1];
            var read = 0;
            while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), timeout.Token) is var n and > 0)
            {
                read += n;
            }

            return read > MaxBytes ? null : ToDataUri(buffer.AsSpan(0, read));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            logger.LogInformation("Logo {Url} not fetched: {Reason}", url, e.Message);
            return null;
        }
    }

    /// <summary>A data URI when the bytes are a PNG or a JPEG (by signature, not by what the server claims).</summary>
    public static string? ToDataUri(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        ReadOnlySpan<byte> jpeg = [0xFF, 0xD8, 0xFF];
        var type = bytes.StartsWith(png) ? "image/png" : bytes.StartsWith(jpeg) ? "image/jpeg" : null;
        return type is null || bytes.Length > MaxBytes ? null : $"data:{type};base64,{Convert.ToBase64String(bytes)}";
    }

    /// <summary>Only globally routable unicast addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] < 128) // CGNAT
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] < 32)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            && !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
    }

    /// <summary>The handler: connects only to a public address of the host, never follows redirects.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var target = addresses.FirstOrDefault(IsPublic)
                ?? throw new HttpRequestException($"'{context.DnsEndPoint.Host}' has no public address.");
            if (addresses.Any(a => !IsPublic(a)))
            {
                throw new HttpRequestException($"'{context.DnsEndPoint.Host}' resolves to a non-public address.");
            }

            var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

public static class LogoFetcherRegistration
{
    public static IServiceCollection AddLogoFetcher(this IServiceCollection services)
    {
        services.AddHttpClient<LogoFetcher>(c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(LogoFetcher.CreateHandler);
        return services;
    }
}
