using System.Text.Json;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Contacts.Model;

/// <summary>The JSON shape of the API (camelCase, web defaults), used where the service reads or writes JSON itself.</summary>
public static class ContactJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new NoNulStringConverter() } };
}
