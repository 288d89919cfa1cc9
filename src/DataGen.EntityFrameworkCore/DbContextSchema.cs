using System.Globalization;
using DataGen.Schemas;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DataGen.EntityFrameworkCore;

/// <summary>
/// Describes the tables of an EF Core model as the database sees them — table and column names exactly as EF maps them
/// (naming conventions, owned and complex types, table splitting and TPH included), keys, foreign keys from
/// navigations, unique indexes, many-to-many join tables, max lengths, precision, required columns, value conversions —
/// plus what only the model knows: an enum's values (as the conversion stores them) and a discriminator's. The result
/// feeds <see cref="ManifestScaffold"/>, <see cref="ManifestOptions.Schema"/> and the test kit's partial manifests.
/// </summary>
public static class DbContextSchema
{
    /// <summary>The tables of <paramref name="context"/>'s model (the design-time model, with every relational annotation).</summary>
    public static DatabaseSchema Describe(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Describe(context.GetService<IDesignTimeModel>().Model);
    }

    /// <summary>The tables of a model (a design-time model: a compiled or runtime model lacks relational details).</summary>
    public static DatabaseSchema Describe(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tables = new List<TableSchema>();
        foreach (var table in model.GetRelationalModel().Tables.Where(t => !t.IsExcludedFromMigrations))
        {
            tables.Add(new TableSchema(table.Schema, table.Name, table.Columns.Select(c => Column(table, c)).ToList())
            {
                PrimaryKey = table.PrimaryKey?.Columns.Select(c => c.Name).ToList() ?? [],
                UniqueKeys = table.UniqueConstraints.Where(u => !u.GetIsPrimaryKey()).Select(u => (IReadOnlyList<string>)u.Columns.Select(c => c.Name).ToList())
                    .Concat(table.Indexes.Where(i => i.IsUnique && i.Filter is null).Select(i => (IReadOnlyList<string>)i.Columns.Select(c => c.Name).ToList()))
                    .DistinctBy(k => string.Join('\u0001', k))
                    .ToList(),
                ForeignKeys = table.ForeignKeyConstraints
                    .Select(fk => new ForeignKeySchema(fk.Columns.Select(c => c.Name).ToList(), Qualified(fk.PrincipalTable), fk.PrincipalColumns.Select(c => c.Name).ToList()))
                    .ToList(),
                Checks = table.CheckConstraints.Select(c => c.Sql).ToList(),
            });
        }

        return new DatabaseSchema(tables);
    }

    private static string Qualified(ITable table) => table.Schema is null ? table.Name : $"{table.Schema}.{table.Name}";

    private static ColumnSchema Column(ITable table, IColumn column)
    {
        var properties = column.PropertyMappings.Select(m => m.Property).ToList();
        var property = properties.FirstOrDefault();
        var provider = Nullable.GetUnderlyingType(column.ProviderClrType) ?? column.ProviderClrType;
        var kind = Kind(provider, column.StoreType, out var element);
        var generatedOnAdd = property is not null && property.ValueGenerated.HasFlag(ValueGenerated.OnAdd);
        var integerKey = kind == ValueKind.Integer && table.PrimaryKey?.Columns.Contains(column) == true && table.PrimaryKey.Columns.Count == 1
            && table.ForeignKeyConstraints.All(fk => !fk.Columns.Contains(column));
        return new ColumnSchema(column.Name, column.StoreType, kind)
        {
            // TPH and optional owned types make a column nullable for rows of other types; a property that is required
            // where it is mapped gets a value in every row (EF ignores the column for rows of the other types).
            Nullable = column.IsNullable && (properties.Count == 0 || properties.All(p => p.IsNullable)),
            Default = column.DefaultValueSql ?? (column.DefaultValue is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null),
            Identity = generatedOnAdd && integerKey && column.DefaultValueSql is null && column.DefaultValue is null,
            Computed = column.ComputedColumnSql is not null || column.IsRowVersion,
            MaxLength = column.MaxLength,
            Precision = column.Precision,
            Scale = column.Scale,
            AllowedValues = Discriminator(table, column) ?? EnumValues(property),
            ElementKind = element,
        };
    }

    /// <summary>The discriminator values of the concrete entity types stored in a TPH table, for its discriminator column.</summary>
    private static List<string>? Discriminator(ITable table, IColumn column)
    {
        var values = table.EntityTypeMappings.Select(m => m.TypeBase).OfType<IEntityType>()
            .Where(t => t.FindDiscriminatorProperty() is { } d && column.PropertyMappings.Any(m => m.Property == d) && !t.IsAbstract())
            .Select(t => t.GetDiscriminatorValue())
            .Where(v => v is not null)
            .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return values.Count > 0 ? values : null;
    }

    /// <summary>An enum property's values as its value conversion stores them (names, numbers, or whatever a custom conversion makes).</summary>
    private static List<string>? EnumValues(IProperty? property)
    {
        var type = property is null ? null : Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (type is not { IsEnum: true } || type.IsDefined(typeof(FlagsAttribute), false))
        {
            return null;
        }

        ValueConverter? converter = property!.GetTypeMapping().Converter;
        return Enum.GetValues(type).Cast<object>()
            .Select(v => converter is null ? v : converter.ConvertToProvider(v))
            .Select(v => v is Enum e ? e.ToString() : Convert.ToString(v, CultureInfo.InvariantCulture)!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static ValueKind Kind(Type type, string storeType, out ValueKind? element)
    {
        element = null;
        if (type != typeof(string) && type != typeof(byte[]) && (type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))))
        {
            var item = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            element = Kind(Nullable.GetUnderlyingType(item) ?? item, storeType, out _);
            return ValueKind.Array;
        }

        if (type.IsEnum)
        {
            // A provider enum (PostgreSQL's mapped enums): the column holds the labels.
            return ValueKind.String;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 => ValueKind.Integer,
            TypeCode.Decimal => ValueKind.Decimal,
            TypeCode.Double or TypeCode.Single => ValueKind.Double,
            TypeCode.Boolean => ValueKind.Boolean,
            TypeCode.DateTime => ValueKind.DateTime,
            TypeCode.String or TypeCode.Char => storeType.StartsWith("json", StringComparison.OrdinalIgnoreCase) ? ValueKind.Object : ValueKind.String,
            _ when type == typeof(DateTimeOffset) => ValueKind.DateTime,
            _ when type == typeof(DateOnly) => ValueKind.Date,
            _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => ValueKind.Time,
            _ when type == typeof(Guid) => ValueKind.Uuid,
            _ => ValueKind.Unknown,
        };
    }
}
