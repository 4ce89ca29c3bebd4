using System.Net;
using System.Net.Sockets;

namespace CustomerBase.Hosting.Servers;

/// <summary>Cheap network probes against 127.0.0.1.</summary>
internal static class Probes
{
    /// <summary>True when something accepts a TCP connection on the port.</summary>
    public static async Task<bool> CanConnectAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="request"/> and returns the first <paramref name="replyLength"/> bytes of the reply (null when none).</summary>
    public static async Task<byte[]?> RequestAsync(int port, byte[] request, int replyLength, CancellationToken ct)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync(request, ct);
            var reply = new byte[replyLength];
            await stream.ReadExactlyAsync(reply, ct);
            return reply;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }
}
