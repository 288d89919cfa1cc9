using System.Globalization;
using System.Text.RegularExpressions;

namespace DataGen.Schemas;

/// <summary>
/// Picks a generator for a column from its name and kind: <c>email</c> → <c>internet.email</c>, <c>first_name</c> →
/// <c>name.firstName</c>, <c>created_at</c> → a recent date-time. One place for the heuristics, so every feature that
/// guesses (the scaffold, attribute-driven data) guesses alike. Returns the YAML of a field's spec (flow style).
/// </summary>
internal static partial class ColumnHeuristics
{
    private static readonly (Regex Name, string Generator)[] TextByName =
    [
        (Words("e?mail(_?address)?"), "internet.email"),
        (Words("first_?name|given_?name|forename"), "name.firstName"),
        (Words("last_?name|surname|family_?name"), "name.lastName"),
        (Words("(full_?)?name|customer_?name|contact_?name|display_?name|author"), "name.fullName"),
        (Words("user_?name|login|handle|nick(name)?"), "internet.userName"),
        (Words("(tele)?phone(_?number)?|mobile|cell|fax"), "phone.phoneNumber"),
        (Words("city|town"), "address.city"),
        (Words("country(_?name)?"), "address.country"),
        (Words("country_?code"), "address.countryCode"),
        (Words("state|province|region|county"), "address.state"),
        (Words("(street_?)?address[12]?|street|address_?line[12]?"), "address.streetAddress"),
        (Words("zip|zip_?code|post(al)?_?code|postcode"), "address.zipCode"),
        (Words("company|company_?name|organi[sz]ation|employer"), "company.companyName"),
        (Words("job|job_?title|position|role"), "name.jobTitle"),
        (Words("url|website|web_?site|homepage|link"), "internet.url"),
        (Words("ip|ip_?address"), "internet.ip"),
        (Words("colou?r"), "commerce.color"),
        (Words("product|product_?name"), "commerce.productName"),
        (Words("department|category|genre"), "commerce.department"),
        (Words("currency|currency_?code|iso_?currency"), "{ type: choice, values: [USD, EUR, GBP, JPY, CHF, CAD, AUD, CNY, SEK, NZD, NOK, INR] }"),
        (Words("iso|iso_?2|iso_?code|country_?iso"), "address.countryCode"),
        (Words("iban"), "finance.iban"),
        (Words("password|password_?hash|hash|secret|token"), "internet.password"),
        (Words("description|notes?|comments?|remarks?|body|text|content|summary|bio|message"), "lorem.sentence"),
        (Words("title|subject|headline|caption"), "lorem.sentence"),
        (Words("language|language_?name"), Languages),
        (Words("code|sku|reference|ref"), "{ type: mask, mask: \"??-####\" }"),
        (Words("slug"), "lorem.slug"),
    ];

    private const string Languages = "{ type: choice, values: [English, French, German, Italian, Japanese, Mandarin, Spanish, Portuguese, Russian, Arabic, Hindi, Korean] }";

    /// <summary>Every generator spec the heuristics can write for text (each is checked to compile by a test).</summary>
    public static IEnumerable<string> TextGenerators => TextByName.Select(h => h.Generator).Concat(ThingNames.Select(t => t.Generator)).Append("commerce.department").Distinct();

    /// <summary>Tables whose rows are people: there a bare <c>name</c> is a person's name; elsewhere it names a thing.</summary>
    private static readonly Regex People = new("(^|_)(person|people|customer|client|user|employee|staff|member|author|actor|artist|contact|student|teacher|patient|owner|manager|driver|agent|account_?holder|passenger|player|reviewer|subscriber|seller|buyer)s?($|_)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>What a bare <c>name</c> (or <c>title</c>) of a table that does not hold people is: its kind of thing, from the table's name.</summary>
    private static readonly (Regex Table, string Generator)[] ThingNames =
    [
        (Words("languages?"), Languages),
        (Words("countr(y|ies)|country_?region"), "address.country"),
        (Words("cit(y|ies)|towns?"), "address.city"),
        (Words("states?|provinces?|state_?province|regions?"), "address.state"),
        (Words("compan(y|ies)|suppliers?|vendors?|shippers?|manufacturers?|publishers?|stores?|shops?"), "company.companyName"),
        (Words("products?|items?|goods|articles?"), "commerce.productName"),
        (Words("colou?rs?"), "commerce.color"),
    ];

    /// <summary>True for a column that describes a person or a place (e-mail, names, phone, address): a table with one is no lookup table.</summary>
    public static bool DescribesSomeone(string column) =>
        ByName(column) is "internet.email" or "name.firstName" or "name.lastName" or "phone.phoneNumber" or "address.streetAddress" or "internet.userName" or "address.zipCode";

    /// <summary>
    /// A generator spec for a text column of <paramref name="table"/> (<paramref name="unique"/>: values must not repeat).
    /// <paramref name="siblings"/> are the table's other columns that get values: an e-mail is made from the row's own
    /// name columns when it has them (Ada Lovelace's is ada.lovelace@…), kept unique by regenerating a colliding row.
    /// </summary>
    public static string Text(string column, int? maxLength, bool unique, string? table = null, IEnumerable<ColumnSchema>? siblings = null)
    {
        var generator = ThingName(column, table) ?? ByName(column) ?? "lorem.word";
        if (generator == "internet.email" && (maxLength ?? 64) >= 22)
        {
            var options = EmailArguments(column, table, siblings) + (maxLength is < 255 ? $", maxLength: {maxLength}" : string.Empty) + (unique ? ", unique: true" : string.Empty);
            return options.Length == 0 ? generator : $"{{ type: internet.email{options} }}";
        }

        if (unique)
        {
            // Names and words repeat; a unique column gets a pattern with room for far more values than rows.
            var width = Math.Clamp(maxLength ?? 12, 1, 12);
            return $"{{ type: mask, mask: \"{new string('*', width)}\", unique: true }}";
        }

        return WithMaxLength(generator, maxLength);
    }

    private static string WithMaxLength(string generator, int? maxLength) =>
        maxLength is not { } max || max >= 255 ? generator
        : generator.StartsWith('{') ? generator[..^2] + $", maxLength: {max} }}" : $"{{ type: {generator}, maxLength: {max} }}";

    /// <summary>
    /// The arguments of <c>internet.email</c> that make it from the row's first and last name, or its full name — the
    /// non-null text columns of the same table the heuristics read as a person's names — or nothing when it has none.
    /// </summary>
    private static string EmailArguments(string column, string? table, IEnumerable<ColumnSchema>? siblings)
    {
        var names = (siblings ?? [])
            .Where(c => c.Name != column && !c.Nullable && c.Kind == ValueKind.String && c.AllowedValues is null && FieldName().IsMatch(c.Name))
            .Select(c => (c.Name, Generator: ThingName(c.Name, table) ?? ByName(c.Name)))
            .ToList();
        var first = names.FirstOrDefault(n => n.Generator == "name.firstName").Name;
        var last = names.FirstOrDefault(n => n.Generator == "name.lastName").Name;
        var full = names.FirstOrDefault(n => n.Generator == "name.fullName").Name;
        string[] arguments = first is not null && last is not null ? [first, last] : full is not null ? [full] : first is not null ? [first] : [];
        return arguments.Length == 0 ? string.Empty : $", args: [{string.Join(", ", arguments.Select(a => $"\"{{{{{a}}}}}\""))}]";
    }

    /// <summary>
    /// The generator a column's name calls for: the whole name, in snake_case or PascalCase (EF Core's <c>FirstName</c>),
    /// else its last words (an owned type's <c>ShippingAddress_City</c>, <c>billing_state</c>).
    /// </summary>
    private static string? ByName(string column)
    {
        var words = Snake(column);
        for (var start = 0; start >= 0; start = words.IndexOf('_', start) is var next and >= 0 ? next + 1 : -1)
        {
            var tail = words[start..];
            if (TextByName.FirstOrDefault(h => h.Name.IsMatch(tail)).Generator is { } generator)
            {
                return generator;
            }
        }

        return null;
    }

    /// <summary>A column name in lower snake_case: <c>UnitPrice</c> → <c>unit_price</c>, <c>ShippingAddress_City</c> → <c>shipping_address_city</c>.</summary>
    internal static string Snake(string column) => PascalBoundary().Replace(column, "_").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex PascalBoundary();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();

    /// <summary>For a bare <c>name</c>/<c>title</c> in a table that holds no people: what the table's rows are called (words for a lookup table).</summary>
    private static string? ThingName(string column, string? table)
    {
        if (table is null || !Words("name|title|description_?short|label").IsMatch(column) || People.IsMatch(Snake(table)))
        {
            return null;
        }

        return ThingNames.FirstOrDefault(t => t.Table.IsMatch(Snake(table))).Generator ?? (column.Equals("title", StringComparison.OrdinalIgnoreCase) ? null : "commerce.department");
    }

    /// <summary>A generator spec for an integer column within [<paramref name="min"/>, <paramref name="max"/>] (already narrowed by type and checks).</summary>
    public static string Integer(string column, decimal? min, decimal? max)
    {
        var (lo, hi) = IntegerByName(column);
        var low = min is { } a ? Math.Max(a, lo) : lo;
        var high = max is { } b ? Math.Min(b, hi) : hi;
        if (low > high)
        {
            (low, high) = (min ?? high, max ?? low);
        }

        return $"{{ type: int, min: {Number(low)}, max: {Number(high)} }}";
    }

    /// <summary>A generator spec for an exact or floating-point number.</summary>
    public static string Decimal(string column, int? precision, int? scale, decimal? min, decimal? max)
    {
        var digits = scale ?? 2;
        var typeMax = precision is { } p ? (decimal)Math.Pow(10, Math.Min(p - digits, 27)) - (decimal)Math.Pow(10, -digits) : 1_000_000m;
        var words = Snake(column);
        var (lo, hi) = Money().IsMatch(words) ? (1m, 1000m) : Percent().IsMatch(words) ? (0m, 100m) : (0m, 1000m);
        var low = Math.Max(min ?? lo, -typeMax);
        var high = Math.Min(Math.Min(max ?? hi, typeMax), Math.Max(low, hi));
        if (low > high)
        {
            high = low;
        }

        return $"{{ type: decimal, min: {Number(low)}, max: {Number(high)}, scale: {Math.Clamp(digits, 0, 10)} }}";
    }

    /// <summary>A generator spec for a date (<paramref name="withTime"/>: a date-time).</summary>
    public static string Date(string column, bool withTime, string? min, string? max)
    {
        var words = Snake(column);
        var (lo, hi) = Birth().IsMatch(words) ? ("-90y", "-18y")
            : Future().IsMatch(words) ? ("0", "+1y")
            : ("-2y", "0");
        return $"{{ type: {(withTime ? "datetime" : "date")}, min: {Quote(min ?? lo)}, max: {Quote(max ?? hi)} }}";
    }

    private static (decimal Min, decimal Max) IntegerByName(string column) => Snake(column) switch
    {
        var words when Age().IsMatch(words) => (18, 90),
        var words when Year().IsMatch(words) => (1990, 2025),
        var words when Minutes().IsMatch(words) => (30, 180),
        var words when Rating().IsMatch(words) => (1, 5),
        var words when Quantity().IsMatch(words) => (1, 10),
        var words when Percent().IsMatch(words) => (0, 100),
        _ => (0, 1000),
    };

    /// <summary>A YAML scalar, double-quoted with escapes.</summary>
    public static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";

    public static string Number(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    private static Regex Words(string pattern) => new($"^(?:{pattern})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex("(^|_)(price|amount|cost|total|balance|salary|fee|payment|rate|value)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Money();

    [GeneratedRegex("(^|_)(percent|pct|discount)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Percent();

    [GeneratedRegex("(^|_)(birth|born|dob|birthday|birthdate|date_of_birth)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Birth();

    [GeneratedRegex("(^|_)(due|expires?|expiry|expiration|until|deadline)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Future();

    [GeneratedRegex("(^|_)age(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Age();

    [GeneratedRegex("(^|_)(year|yr)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Year();

    [GeneratedRegex("(^|_)(qty|quantity|count|number_of|stock|units|rank|position|level|priority)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Quantity();

    [GeneratedRegex("(^|_)(length|duration|runtime|minutes|mins)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Minutes();

    [GeneratedRegex("(^|_)(rating|stars|score)(_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Rating();
}
