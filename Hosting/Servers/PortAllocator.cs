using System.Net;
using System.Net.Sockets;

namespace CustomerBase.Hosting.Servers;

/// <summary>Finds and checks TCP ports on 127.0.0.1, the only address our servers listen on.</summary>
public static class PortAllocator
{
    // The kernel may give the same ephemeral port again once we release it; two resources started in
    // parallel must not both receive it, so every port handed out is remembered for the process lifetime.
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>A port that is free now and was not returned before by this process.</summary>
    public static int GetFreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException("No free TCP port found on 127.0.0.1 after 100 attempts.");
    }

    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/> (or on a wildcard address covering it).</summary>
    public static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Like the servers themselves: connections in TIME_WAIT from a previous run must not count as "in use",
        // otherwise restarting a broker on its own port would fail for a minute.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
    }

    /// <summary>Throws a one-line <see cref="ResourceStartException"/> when the port is taken.</summary>
    public static void EnsureFree(int port, string resourceName)
    {
        if (!IsFree(port))
        {
            throw new ResourceStartException($"{resourceName}: port {port} is already in use by another process");
        }
    }
}
