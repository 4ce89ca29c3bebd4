using System.Globalization;
using System.Text;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// The card fields an import column can fill, and the headers that name them in English, Russian and Polish
/// spreadsheets. Headers are compared after <see cref="Normalize"/>: lower case, without spaces, dots, dashes,
/// underscores or brackets, so <c>E-mail</c>, <c>e_mail</c> and <c>EMAIL</c> are one header.
/// </summary>
public static class ImportFields
{
    public const string FirstName = "firstName";
    public const string MiddleName = "middleName";
    public const string LastName = "lastName";
    public const string FullName = "fullName";
    public const string Gender = "gender";
    public const string BirthDate = "birthDate";
    public const string Language = "language";
    public const string TimeZone = "timeZone";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Tags = "tags";
    public const string Interests = "interests";
    public const string OwnerId = "ownerId";
    public const string Team = "team";
    public const string ExternalId = "externalId";
    public const string PreferredChannel = "preferredChannel";
    public const string Occupation = "occupation";
    public const string IncomeBand = "incomeBand";
    public const string Education = "education";
    public const string MaritalStatus = "maritalStatus";
    public const string Children = "children";
    public const string SourceChannel = "sourceChannel";
    public const string SourceCampaign = "sourceCampaign";
    public const string AddressLine1 = "addressLine1";
    public const string AddressLine2 = "addressLine2";
    public const string City = "city";
    public const string Region = "region";
    public const string PostalCode = "postalCode";
    public const string Country = "country";
    public const string Telegram = "telegram";
    public const string WhatsApp = "whatsapp";

    /// <summary>A column mapped to <c>customFields.&lt;key&gt;</c> fills that custom field.</summary>
    public const string CustomFieldPrefix = "customFields.";

    /// <summary>The keys that can match a row to an existing contact.</summary>
    public static readonly IReadOnlyList<string> MatchKeys = [ExternalId, Email, Phone];

    /// <summary>Fields that may come from several columns (E-mail, E-mail 2) and hold several values in a cell.</summary>
    public static readonly IReadOnlySet<string> Multiple = new HashSet<string> { Email, Phone, Tags, Interests };

    private static readonly Dictionary<string, string[]> Aliases = new()
    {
        [FirstName] = ["firstname", "first", "givenname", "forename", "имя", "imię", "imie"],
        [MiddleName] = ["middlename", "patronymic", "отчество", "drugieimię", "drugieimie"],
        [LastName] = ["lastname", "surname", "familyname", "last", "фамилия", "nazwisko"],
        [FullName] = ["name", "fullname", "contactname", "фио", "имяфамилия", "полноеимя", "imięinazwisko", "imieinazwisko"],
        [Gender] = ["gender", "sex", "пол", "płeć", "plec"],
        [BirthDate] = ["birthdate", "dateofbirth", "birthday", "dob", "датарождения", "деньрождения", "dataurodzenia", "urodziny"],
        [Language] = ["language", "язык", "język", "jezyk"],
        [TimeZone] = ["timezone", "tz", "часовойпояс", "strefaczasowa"],
        [Email] = ["email", "emailaddress", "mail", "email2", "email3", "workemail", "personalemail", "почта", "электроннаяпочта", "элпочта", "адресэлектроннойпочты", "адреспочты", "adresemail", "poczta"],
        [Phone] = ["phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "cell", "cellphone", "phone2", "phone3", "workphone", "homephone", "телефон", "мобильный", "мобильныйтелефон", "телефон2", "номертелефона", "сотовый", "telefon", "numertelefonu", "nrtelefonu", "telefonkomórkowy", "komórka", "komorka", "telefon2"],
        [Tags] = ["tags", "tag", "labels", "теги", "метки", "тег", "tagi", "etykiety"],
        [Interests] = ["interests", "hobbies", "hobby", "интересы", "хобби", "zainteresowania"],
        [OwnerId] = ["owner", "ownerid", "manager", "accountmanager", "ответственный", "менеджер", "opiekun", "właściciel", "wlasciciel"],
        [Team] = ["team", "команда", "отдел", "zespół", "zespol"],
        [ExternalId] = ["externalid", "id", "customerid", "clientid", "crmid", "code", "внешнийid", "внешнийидентификатор", "код", "кодклиента", "identyfikator", "idklienta"],
        [PreferredChannel] = ["preferredchannel", "предпочтительныйканал", "preferowanykanał", "preferowanykanal"],
        [Occupation] = ["occupation", "jobtitle", "profession", "профессия", "должность", "zawód", "zawod", "stanowisko"],
        [IncomeBand] = ["income", "incomeband", "доход", "dochód", "dochod"],
        [Education] = ["education", "образование", "wykształcenie", "wyksztalcenie"],
        [MaritalStatus] = ["maritalstatus", "семейноеположение", "stancywilny"],
        [Children] = ["children", "kids", "дети", "dzieci"],
        [SourceChannel] = ["source", "leadsource", "источник", "źródło", "zrodlo"],
        [SourceCampaign] = ["campaign", "кампания", "kampania"],
        [AddressLine1] = ["address", "street", "addressline1", "streetaddress", "адрес", "улица", "adres", "ulica"],
        [AddressLine2] = ["addressline2", "адрес2", "adres2"],
        [City] = ["city", "town", "город", "населенныйпункт", "miasto", "miejscowość", "miejscowosc"],
        [Region] = ["region", "state", "province", "county", "регион", "область", "województwo", "wojewodztwo"],
        [PostalCode] = ["postalcode", "postcode", "zip", "zipcode", "индекс", "почтовыйиндекс", "kodpocztowy"],
        [Country] = ["country", "страна", "kraj"],
        [Telegram] = ["telegram", "телеграм", "телеграмм"],
        [WhatsApp] = ["whatsapp", "ватсап", "вотсап"],
    };

    private static readonly Dictionary<string, string> ByHeader =
        Aliases.SelectMany(a => a.Value.Select(alias => (alias, field: a.Key))).ToDictionary(p => p.alias, p => p.field);

    public static IReadOnlyCollection<string> All => Aliases.Keys;

    public static bool IsField(string name) => Aliases.ContainsKey(name);

    /// <summary>The field a header names, or null when it is not recognised.</summary>
    public static string? Recognize(string header) => ByHeader.GetValueOrDefault(Normalize(header));

    public static string Normalize(string header)
    {
        var text = new StringBuilder(header.Length);
        foreach (var c in header.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                text.Append(char.ToLower(c, CultureInfo.InvariantCulture) == 'ё' ? 'е' : char.ToLower(c, CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }
}
