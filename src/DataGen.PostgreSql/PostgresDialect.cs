using System.Globalization;
using DataGen.Outputs;
using DataGen.Sql;

namespace DataGen.PostgreSql;

/// <summary>PostgreSQL DDL, identifier quoting and value conversion for binary COPY.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    public override string Quote(string identifier) => QuoteIdentifier(identifier);

    public override string ColumnType(FieldDescriptor field, bool keyed) => TypeOf(field.Kind);

    /// <summary>SHARE ROW EXCLUSIVE conflicts with itself and with every row write, and lets readers read.</summary>
    public override string? LockTable(ModelDescriptor model) => $"LOCK TABLE {QuoteTable(model.Target)} IN SHARE ROW EXCLUSIVE MODE";

    /// <summary>A comment on the table: what a later run reads to know DataGen made it.</summary>
    public override IEnumerable<string> MarkCreated(ModelDescriptor model) =>
        [$"COMMENT ON TABLE {QuoteTable(model.Target)} IS '{CreatedComment(model).Replace("'", "''", StringComparison.Ordinal)}'"];

    public override string? CreateSchema(string schema) => $"CREATE SCHEMA IF NOT EXISTS {Quote(schema)}";

    /// <summary>One TRUNCATE for all of them: foreign keys among them hold, and one referenced from outside is refused, named.</summary>
    public override IEnumerable<string> EmptyTables(IReadOnlyList<string> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return tables.Count == 0 ? [] : [$"TRUNCATE {string.Join(", ", tables.Select(QuoteTable))}"];
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Integer => "bigint",
        ValueKind.Decimal => "numeric",
        ValueKind.Double => "double precision",
        ValueKind.Boolean => "boolean",
        ValueKind.Date => "date",
        ValueKind.DateTime => "timestamp with time zone",
        ValueKind.Time => "time without time zone",
        ValueKind.Uuid => "uuid",
        ValueKind.Object or ValueKind.Array => "jsonb",
        ValueKind.Bytes => "bytea",
        _ => "text",
    };

    public static string Copy(ModelDescriptor model) =>
        $"COPY {Instance.QuoteTable(model.Target)} ({string.Join(", ", model.Fields.Select(f => QuoteIdentifier(f.Name)))}) FROM STDIN (FORMAT BINARY)";

    /// <summary>Converts a generated value to the CLR type Npgsql writes for a column's data type.</summary>
    public static Func<object, object> ConverterFor(string dataType) => dataType switch
    {
        _ when dataType.EndsWith("[]", StringComparison.Ordinal) => ArrayConverter(dataType[..^2]),
        "bytea" => v => v is byte[] bytes ? bytes : PostgresTypes.ByteaFromText(ValueText.Format(v)),
        "inet" => v => v is System.Net.IPAddress ip ? ip : System.Net.IPAddress.Parse(ValueText.Format(v)),
        "interval" => v => v switch
        {
            TimeSpan span => span,
            TimeOnly t => t.ToTimeSpan(),
            _ => TimeSpan.Parse(ValueText.Format(v), CultureInfo.InvariantCulture),
        },
        "money" => v => Convert.ToDecimal(Numeric(v), CultureInfo.InvariantCulture),
        "bigint" => v => Convert.ToInt64(Numeric(v), CultureInfo.InvariantCulture),
        "integer" => v => Convert.ToInt32(Numeric(v), CultureInfo.InvariantCulture),
        "smallint" => v => Convert.ToInt16(Numeric(v), CultureInfo.InvariantCulture),
        "numeric" => v => Convert.ToDecimal(Numeric(v), CultureInfo.InvariantCulture),
        "double precision" => v => Convert.ToDouble(Numeric(v), CultureInfo.InvariantCulture),
        "real" => v => Convert.ToSingle(Numeric(v), CultureInfo.InvariantCulture),
        "boolean" => v => v is bool b ? b : bool.Parse(ValueText.Format(v)),
        "uuid" => v => v is Guid g ? g : Guid.Parse(ValueText.Format(v)),
        "date" => v => v switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => DateOnly.Parse(ValueText.Format(v), CultureInfo.InvariantCulture),
        },
        "timestamp with time zone" => v => v switch
        {
            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc),
            DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            _ => DateTime.Parse(ValueText.Format(v), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        },
        "timestamp without time zone" => v => v switch
        {
            DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Unspecified),
            DateOnly d => d.ToDateTime(TimeOnly.MinValue),
            _ => DateTime.Parse(ValueText.Format(v), CultureInfo.InvariantCulture),
        },
        "time without time zone" => v => v is TimeOnly t ? t : TimeOnly.Parse(ValueText.Format(v), CultureInfo.InvariantCulture),
        "jsonb" or "json" => v => v is string s && !(s.StartsWith('{') || s.StartsWith('[')) ? ValueText.ToJson(s) : v is string json ? json : ValueText.ToJson(v),
        _ => v => v is System.Collections.IEnumerable and not string ? ValueText.ToJson(v) : ValueText.Format(v),
    };

    /// <summary>A list of values as a typed array of the element type (Npgsql writes arrays of known element types).</summary>
    private static Func<object, object> ArrayConverter(string elementType)
    {
        var element = ConverterFor(elementType);
        var clr = elementType switch
        {
            "bigint" => typeof(long),
            "integer" => typeof(int),
            "smallint" => typeof(short),
            "numeric" => typeof(decimal),
            "double precision" => typeof(double),
            "real" => typeof(float),
            "boolean" => typeof(bool),
            "uuid" => typeof(Guid),
            "date" => typeof(DateOnly),
            "timestamp with time zone" or "timestamp without time zone" => typeof(DateTime),
            _ => typeof(string),
        };
        return v =>
        {
            var items = v is System.Collections.IEnumerable list and not string ? list.Cast<object?>().ToList() : [v];
            var array = Array.CreateInstance(clr, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(items[i] is { } item ? element(item) : null, i);
            }

            return array;
        };
    }

    private static object Numeric(object value) => value is bool b ? (b ? 1 : 0) : value is string s ? decimal.Parse(s, CultureInfo.InvariantCulture) : value;
}
