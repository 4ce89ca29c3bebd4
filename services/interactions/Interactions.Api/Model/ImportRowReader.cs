using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CustomerBase.Interactions.Apis;
using Sylvan.Data.Csv;

namespace CustomerBase.Interactions.Model;

/// <summary>One row of an import: the request it reads as, or why it could not be read (field → message).</summary>
public sealed record ImportRow(long Number, RecordInteractionRequest? Request, IReadOnlyList<(string Field, string Message)> Errors);

/// <summary>
/// Reads an import file row by row, never whole: JSON lines (each line the body of <c>POST /api/interactions</c>) or
/// CSV with a header (contactId, kind, occurredAt, channel, direction, author, companyId, subject, note, details —
/// details being the kind's part as JSON, e.g. an order's number, currency, total and lines).
/// </summary>
public static class ImportRowReader
{
    public const string Csv = "csv";
    public const string JsonLines = "jsonl";
    public static readonly IReadOnlySet<string> Formats = new SortedSet<string>(StringComparer.Ordinal) { Csv, JsonLines };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IAsyncEnumerable<ImportRow> ReadAsync(Stream file, string format, CancellationToken ct) =>
        format == Csv ? ReadCsvAsync(file, ct) : ReadJsonLinesAsync(file, ct);

    /// <summary>
    /// JSON lines are read as UTF-8 bytes and each line deserialised from them: decoding the file to UTF-16 strings, which
    /// the serializer then transcodes back to UTF-8, cost a tenth of the ingest's CPU. A line that is not valid UTF-8 is
    /// reported as unreadable, like any other malformed line.
    /// </summary>
    private static async IAsyncEnumerable<ImportRow> ReadJsonLinesAsync(Stream file, [EnumeratorCancellation] CancellationToken ct)
    {
        var pipe = PipeReader.Create(await Utf8Async(file, ct), new StreamPipeReaderOptions(bufferSize: 1 << 16));
        var rows = new List<ImportRow>();
        long number = 0;
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(ct);
                var buffer = result.Buffer;
                var consumed = ReadLines(buffer, result.IsCompleted, rows, ref number);
                pipe.AdvanceTo(consumed, buffer.End);
                foreach (var row in rows)
                {
                    yield return row;
                }
                rows.Clear();
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    /// <summary>The file as UTF-8 after its byte order mark, if any: a UTF-16 file (marked so) is transcoded, as a text reader would have read it.</summary>
    private static async Task<Stream> Utf8Async(Stream file, CancellationToken ct)
    {
        var head = new byte[3];
        var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var (encoding, bom) = head.AsSpan(0, read) switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (null, 3),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => ((Encoding?)null, 0),
        };
        file.Position = bom;
        return encoding is null ? file : Encoding.CreateTranscodingStream(file, encoding, Encoding.UTF8);
    }

    /// <summary>Reads the complete lines of <paramref name="buffer"/> (and, at the end of the file, the last one); returns where they end.</summary>
    private static SequencePosition ReadLines(ReadOnlySequence<byte> buffer, bool isLast, List<ImportRow> rows, ref long number)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                if (!isLast || reader.End)
                {
                    break;
                }
                line = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }
            number++;
            // A line across two of the pipe's buffers is copied once, into an array of its own.
            var bytes = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
            if (!Blank(bytes))
            {
                rows.Add(ReadLine(bytes, number));
            }
        }
        return reader.Position;
    }

    private static bool Blank(ReadOnlySpan<byte> line) => line.Trim(" \t\r"u8).IsEmpty;

    private static ImportRow ReadLine(ReadOnlySpan<byte> line, long number)
    {
        RecordInteractionRequest? request = null;
        string? error = null;
        try
        {
            request = JsonSerializer.Deserialize<RecordInteractionRequest>(line, Json);
        }
        catch (JsonException ex)
        {
            error = FieldOf(ex);
        }
        return request is null
            ? new ImportRow(number, null, [(error ?? "", "Not a JSON object in the shape of POST /api/interactions.")])
            : new ImportRow(number, request, []);
    }

    private static async IAsyncEnumerable<ImportRow> ReadCsvAsync(Stream file, [EnumeratorCancellation] CancellationToken ct)
    {
        using var text = new StreamReader(file);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 }, ct);
        var columns = Enumerable.Range(0, csv.FieldCount).ToDictionary(i => csv.GetName(i).Trim(), i => i, StringComparer.OrdinalIgnoreCase);
        long number = 1; // the header
        while (await csv.ReadAsync(ct))
        {
            number++;
            var errors = new List<(string, string)>();
            string? Field(string name) =>
                columns.TryGetValue(name, out var i) && i < csv.RowFieldCount && csv.GetString(i) is { Length: > 0 } value ? value : null;

            Guid? ParseId(string name)
            {
                if (Field(name) is not { } value) return null;
                if (Guid.TryParse(value, out var id)) return id;
                errors.Add((name, "Not a valid id."));
                return null;
            }

            var occurredText = Field("occurredAt");
            DateTimeOffset? occurredAt = null;
            if (occurredText is not null)
            {
                if (DateTimeOffset.TryParse(occurredText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                    occurredAt = at;
                else
                    errors.Add(("occurredAt", "Not a date and time (ISO 8601, e.g. 2024-05-01T10:00:00Z)."));
            }

            var request = new RecordInteractionRequest(ParseId("contactId"), Field("kind"), occurredAt, null,
                ParseId("companyId"), Field("channel"), Field("direction"), Field("author"), Field("subject"), Field("note"));
            if (Field("details") is { } details && request.Kind is not null)
            {
                try
                {
                    request = WithDetails(request, details);
                }
                catch (JsonException ex)
                {
                    errors.Add(($"details{(FieldOf(ex) is { Length: > 0 } path ? "." + path : "")}", "Not valid JSON for the kind's details."));
                }
            }
            yield return new ImportRow(number, errors.Count == 0 ? request : null, errors);
        }
    }

    private static RecordInteractionRequest WithDetails(RecordInteractionRequest r, string json) => r.Kind switch
    {
        InteractionKinds.Order => r with { Order = JsonSerializer.Deserialize<OrderRequest>(json, Json) },
        InteractionKinds.Call => r with { Call = JsonSerializer.Deserialize<CallRequest>(json, Json) },
        InteractionKinds.Email => r with { Email = JsonSerializer.Deserialize<EmailRequest>(json, Json) },
        InteractionKinds.Meeting => r with { Meeting = JsonSerializer.Deserialize<MeetingRequest>(json, Json) },
        InteractionKinds.Visit => r with { Visit = JsonSerializer.Deserialize<VisitRequest>(json, Json) },
        InteractionKinds.Message => r with { Message = JsonSerializer.Deserialize<MessageRequest>(json, Json) },
        InteractionKinds.Complaint => r with { Complaint = JsonSerializer.Deserialize<CaseRequest>(json, Json) },
        InteractionKinds.Request => r with { Request = JsonSerializer.Deserialize<CaseRequest>(json, Json) },
        InteractionKinds.Review => r with { Review = JsonSerializer.Deserialize<ReviewRequest>(json, Json) },
        InteractionKinds.Survey => r with { Survey = JsonSerializer.Deserialize<SurveyRequest>(json, Json) },
        _ => r, // a note has no details; an unknown kind is reported by validation
    };

    /// <summary>"$.order.lines[0].quantity" → "order.lines[0].quantity": the field as the API names it.</summary>
    private static string FieldOf(JsonException ex) => ex.Path is { } path ? path.TrimStart('$').TrimStart('.') : "";
}
