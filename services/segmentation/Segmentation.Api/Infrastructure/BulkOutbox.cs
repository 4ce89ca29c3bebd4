namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>
/// Outbox rows written by set-based SQL (a rebuild's or a schedule's thousands of changes), in the same statement as
/// the change. The body is the contract's JSON (camelCase, enums as numbers) exactly as <c>AddToOutbox</c> writes it;
/// the caller signals the dispatcher after commit.
/// </summary>
public static class BulkOutbox
{
    public static string TypeName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    /// <summary>An INSERT of outbox rows from a query with a <c>body</c> column (jsonb, cast on assignment to the json column).</summary>
    /// <param name="traceParameter">A text parameter with the trace the rows continue (W3C traceparent), or NULL.</param>
    public static string InsertFrom(string typeParameter, string bodiesQuery, string traceParameter = "NULL") => $"""
        INSERT INTO outbox_messages (id, message_type, body, created_at, next_attempt_at, attempts, trace_parent)
        SELECT gen_random_uuid(), {typeParameter}, b.body, now(), now(), 0, {traceParameter} FROM ({bodiesQuery}) AS b
        """;
}
