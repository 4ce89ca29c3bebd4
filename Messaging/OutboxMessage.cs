namespace CustomerBase.Messaging;

/// <summary>An event waiting in the publishing service's own database to be published, written in the same transaction as the data change.</summary>
public sealed class OutboxMessage
{
    /// <summary>Becomes the MassTransit MessageId, so consumers' inboxes recognise a redelivery.</summary>
    public Guid Id { get; init; }

    /// <summary>The contract's CLR type, "Namespace.Type, Assembly", resolved when published.</summary>
    public required string MessageType { get; init; }

    /// <summary>The message as JSON (a json column), published as it is stored.</summary>
    public required string Body { get; init; }

    /// <summary>W3C trace context of the request that wrote the row, so the publish and its consumers join that trace.</summary>
    public string? TraceParent { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public int Attempts { get; set; }

    /// <summary>The type of the last failure only: exception messages could carry personal data.</summary>
    public string? LastError { get; set; }
}

/// <summary>A message a consumer has applied: (message id, consumer) makes a redelivery a no-op.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }
    public required string Consumer { get; init; }
    public DateTimeOffset ProcessedAt { get; init; }
}
