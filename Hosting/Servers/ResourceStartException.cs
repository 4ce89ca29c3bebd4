namespace CustomerBase.Hosting.Servers;

/// <summary>
/// A resource could not be started. The message is always one line naming the resource and the reason,
/// e.g. "rabbitmq: port 5672 is already in use by another process", so it can be shown as-is.
/// </summary>
public sealed class ResourceStartException : Exception
{
    public ResourceStartException(string message)
        : base(OneLine(message))
    {
    }

    public ResourceStartException(string message, Exception innerException)
        : base(OneLine(message), innerException)
    {
    }

    // Tool output and log lines sometimes carry line breaks; the contract is a single line.
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
