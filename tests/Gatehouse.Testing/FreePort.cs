using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Testing;

/// <summary>
/// A free TCP port on 127.0.0.1. Environments need their issuer (their URL) before they start, so
/// tests pick the port first instead of binding to port 0.
/// </summary>
/// <remarks>
/// A port is reserved between picking and binding, which port 0 alone does not do:
/// <list type="bullet">
/// <item>it comes from below the kernel's ephemeral range (32768–60999 on Linux), so no outgoing
/// connection (to PostgreSQL, between planes) can take it while a plane is stopped or not yet started;</item>
/// <item>the test projects run in parallel processes, so each port is claimed with a lock file that
/// this process holds open until it exits (.NET takes an advisory lock for <see cref="FileShare.None"/>
/// on Unix), and never handed out twice by one process.</item>
/// </list>
/// </remarks>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32000;

    private static readonly Lock Gate = new();
    private static readonly List<FileStream> Claims = [];
    private static readonly string ClaimDirectory = Path.Combine(Path.GetTempPath(), "gatehouse-test-ports");
    private static int next = First + Random.Shared.Next(Last - First);

    public static int Next()
    {
        Directory.CreateDirectory(ClaimDirectory);
        lock (Gate)
        {
            for (var tried = 0; tried <= Last - First; tried++)
            {
                var port = next;
                next = next == Last ? First : next + 1;
                if (TryClaim(port, out var claim))
                {
                    if (IsFree(port))
                    {
                        Claims.Add(claim);
                        return port;
                    }

                    claim.Dispose();
                }
            }
        }

        throw new InvalidOperationException($"No free port between {First} and {Last} on 127.0.0.1.");
    }

    public static string NextUrl() => $"http://127.0.0.1:{Next()}";

    private static bool TryClaim(int port, out FileStream claim)
    {
        try
        {
            claim = new FileStream(Path.Combine(ClaimDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            claim = null!;
            return false;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
