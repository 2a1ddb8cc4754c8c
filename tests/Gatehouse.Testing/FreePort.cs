using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Testing;

/// <summary>
/// A free TCP port on 127.0.0.1. Environments need their issuer (their URL) before they start, so
/// tests pick the port first instead of binding to port 0.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NextUrl() => $"http://127.0.0.1:{Next()}";
}
