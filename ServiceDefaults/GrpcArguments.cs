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
}
