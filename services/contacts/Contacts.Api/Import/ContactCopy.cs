using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Json;
using CustomerBase.Contacts.Model;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Writes contacts with PostgreSQL's binary COPY, column for column as EF maps them. The owned JSON columns use EF's
/// own layout (property names as in C#, days of the week as numbers), so EF reads imported rows like any other;
/// an integration test reads an imported card back through the API to keep it so.
/// </summary>
public static class ContactCopy
{
    public const string Columns =
        "id, first_name, middle_name, last_name, gender, birth_date, language, time_zone, demographics, interests, important_dates, " +
        "source, emails, phones, messengers, addresses, preferred_channel, call_window, tags, owner_id, team, external_id, " +
        "created_at, updated_at, version, search_name, first_name_key, middle_name_key, last_name_key, email_keys, custom_fields, company_id, company_role, working_hours";

    private static readonly JsonSerializerOptions EfJson = new();

    // An imported card usually has no demographics and no source: objects whose every property is null.
    private static readonly string NoDemographics = JsonSerializer.Serialize(new Demographics(), EfJson);
    private static readonly string NoSource = JsonSerializer.Serialize(new ContactSource(), EfJson);

    /// <remarks>Synchronous on purpose: it runs on the import's own task, and most writes only fill a buffer.</remarks>
    public static void Write(NpgsqlBinaryImporter copy, Contact c)
    {
        copy.StartRow();
        copy.Write(c.Id, NpgsqlDbType.Uuid);
        Text(copy, c.FirstName);
        Text(copy, c.MiddleName);
        Text(copy, c.LastName);
        Text(copy, c.Gender);
        if (c.BirthDate is { } birth) copy.Write(birth, NpgsqlDbType.Date); else copy.WriteNull();
        Text(copy, c.Language);
        Text(copy, c.TimeZone);
        Json(copy, c.Demographics);
        copy.Write(c.Interests, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Json(copy, c.ImportantDates);
        Json(copy, c.Source);
        copy.Write(c.Emails, NpgsqlDbType.Array | NpgsqlDbType.Text);
        copy.Write(c.Phones, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Json(copy, c.Messengers);
        Addresses(copy, c.Addresses);
        Text(copy, c.PreferredChannel);
        if (c.CallWindow is { } window) Json(copy, window); else copy.WriteNull();
        copy.Write(c.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Text(copy, c.OwnerId);
        Text(copy, c.Team);
        Text(copy, c.ExternalId);
        copy.Write(c.CreatedAt, NpgsqlDbType.TimestampTz);
        copy.Write(c.UpdatedAt, NpgsqlDbType.TimestampTz);
        copy.Write(c.Version, NpgsqlDbType.Integer);
        copy.Write(c.SearchName, NpgsqlDbType.Text);
        Text(copy, c.FirstNameKey);
        Text(copy, c.MiddleNameKey);
        Text(copy, c.LastNameKey);
        copy.Write(c.EmailKeys, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Json(copy, c.CustomFields);
        if (c.CompanyId is { } company) copy.Write(company, NpgsqlDbType.Uuid); else copy.WriteNull();
        Text(copy, c.CompanyRole);
        if (c.WorkingHours is { } hours) Json(copy, hours); else copy.WriteNull();
    }

    /// <summary>
    /// Addresses by hand, as the serializer lays them out: an imported row usually has one (its city), and a serializer
    /// call per row, with the state it sets up and grows, cost more than the rest of the row's columns together.
    /// </summary>
    private static void Addresses(NpgsqlBinaryImporter copy, List<PostalAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            copy.Write("[]", NpgsqlDbType.Jsonb);
            return;
        }
        var (buffer, writer) = AddressWriter ??= NewAddressWriter();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartArray();
        foreach (var a in addresses)
        {
            writer.WriteStartObject();
            writer.WriteString(nameof(PostalAddress.Kind), a.Kind);
            writer.WriteString(nameof(PostalAddress.Line1), a.Line1);
            writer.WriteString(nameof(PostalAddress.Line2), a.Line2);
            writer.WriteString(nameof(PostalAddress.City), a.City);
            writer.WriteString(nameof(PostalAddress.Region), a.Region);
            writer.WriteString(nameof(PostalAddress.PostalCode), a.PostalCode);
            writer.WriteString(nameof(PostalAddress.Country), a.Country);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.Flush();
        copy.Write(Encoding.UTF8.GetString(buffer.WrittenSpan), NpgsqlDbType.Jsonb);
    }

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? AddressWriter;

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewAddressWriter()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    private static void Text(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, NpgsqlDbType.Text);
    }

    /// <summary>
    /// Most imported rows leave most JSON columns empty (or, for objects, every property null): those are written as the constant the serializer would give,
    /// because each serializer call costs more (its stack set up and grown) than the rest of the row's columns.
    /// </summary>
    private static void Json<T>(NpgsqlBinaryImporter copy, T value) => copy.Write(value switch
    {
        null => "null",
        Demographics { Occupation: null, IncomeBand: null, Education: null, MaritalStatus: null, Children: null } => NoDemographics,
        ContactSource { Channel: null, Campaign: null, ReferredBy: null } => NoSource,
        IDictionary { Count: 0 } => "{}",
        ICollection { Count: 0 } => "[]",
        _ => JsonSerializer.Serialize(value, EfJson),
    }, NpgsqlDbType.Jsonb);
}
