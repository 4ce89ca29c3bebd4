using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace CustomerBase.ServiceDefaults;

/// <summary>
/// PostgreSQL text cannot hold the NUL character, so a value containing it would fail deep in a query as a 500.
/// These turn it away at the door as a 400 naming the field: one converter for JSON bodies, one check for query strings.
/// </summary>
public sealed class NoNulStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && value.Contains('\0'))
        {
            throw new JsonException("The NUL character is not allowed in text.");
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    // Dictionary keys (e.g. the field names of a validation problem) go through these.
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options)!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

internal static class NulQueryGuard
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        foreach (var (name, values) in context.Request.Query)
        {
            if (name.Contains('\0') || values.Any(v => v?.Contains('\0') == true))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await Results.ValidationProblem(new Dictionary<string, string[]> { [name.Replace("\0", "")] = ["The NUL character is not allowed."] })
                    .ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }
}
