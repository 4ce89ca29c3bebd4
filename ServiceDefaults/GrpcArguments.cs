using Grpc.Core;

namespace CustomerBase.ServiceDefaults;

/// <summary>Checks of gRPC request fields, failing with <see cref="StatusCode.InvalidArgument"/> and the field's name.</summary>
public static class GrpcArguments
{
    /// <summary>Parses a repeated field of UUIDs, at most <paramref name="max"/> of them.</summary>
    public static List<Guid> ParseIds(IReadOnlyList<string> values, string field, int max)
    {
        if (values.Count > max)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"At most {max} {field} per call."));
        }
        var ids = new List<Guid>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (!Guid.TryParse(values[i], out var id))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}[{i}] is not a UUID."));
            }
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// Reads a packed field of UUIDs (16 bytes each, big-endian, RFC 4122 byte order), at most <paramref name="max"/>
    /// of them: the form of large batches, which spares the caller and the service a text UUID per id.
    /// </summary>
    public static List<Guid> UnpackIds(ReadOnlySpan<byte> bytes, string field, int max)
    {
        if (bytes.Length % 16 != 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} must be 16 bytes per id."));
        }
        if (bytes.Length / 16 > max)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"At most {max} {field} per call."));
        }
        var ids = new List<Guid>(bytes.Length / 16);
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            ids.Add(new Guid(bytes.Slice(offset, 16), bigEndian: true));
        }
        return ids;
    }
}
