using System.Text.Json;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.UnitTests;

public sealed class NoNulStringConverterTests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new NoNulStringConverter() } };

    [Fact]
    public void TextWithNulIsRefusedWithThePath()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Dictionary<string, string>>("{\"name\":\"a\\u0000b\"}", Options));

        Assert.Equal("$.name", error.Path);
    }

    [Fact]
    public void DictionariesWithStringKeysStillRoundTrip()
    {
        var errors = new Dictionary<string, string[]> { ["phones[1]"] = ["Not a valid phone number."] };

        var json = JsonSerializer.Serialize(errors, Options);

        Assert.Equal(errors["phones[1]"], JsonSerializer.Deserialize<Dictionary<string, string[]>>(json, Options)!["phones[1]"]);
    }
}
