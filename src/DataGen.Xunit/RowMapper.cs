using System.Globalization;
using System.Reflection;

namespace DataGen.Xunit;

/// <summary>
/// Makes a typed object of a generated row: a field fills the property or constructor parameter of the same name, compared
/// ignoring case and underscores (<c>placed_at</c>, <c>PlacedAt</c>, <c>placedAt</c>); fields <c>ShippingAddress_City</c> fill
/// the <c>City</c> of an object property <c>ShippingAddress</c> (EF Core's owned and complex types). A field that fills
/// nothing, or a scalar property no field fills, is an error naming both sides; collections and other object properties
/// without fields (navigations) are left as the constructor made them.
/// </summary>
internal static class RowMapper
{
    public static object Map(Type type, IReadOnlyDictionary<string, object?> record, string attribute, bool ignoreUnmappedFields)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var result = Make(type, record.ToDictionary(kv => kv.Key, kv => kv.Key, StringComparer.Ordinal), record, used, missing, attribute);
        var unused = ignoreUnmappedFields ? [] : record.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0 || missing.Count > 0)
        {
            var problems = new List<string>();
            if (unused.Count > 0)
            {
                problems.Add($"field(s) {string.Join(", ", unused)} map to no property of {type.Name}");
            }

            if (missing.Count > 0)
            {
                problems.Add($"{type.Name}'s {string.Join(", ", missing)} map(s) to no field");
            }

            throw new ArgumentException($"{attribute}: {string.Join("; ", problems)}. Fields: {string.Join(", ", record.Keys)}; properties of {type.Name}: {string.Join(", ", Members(type).Select(m => m.Name))}. Names match ignoring case and underscores; take an IReadOnlyDictionary<string, object?> for rows that do not fit a type.");
        }

        return result;
    }

    /// <summary>Builds <paramref name="type"/> from the fields in <paramref name="fields"/> (local name → field name).</summary>
    private static object Make(Type type, Dictionary<string, string> fields, IReadOnlyDictionary<string, object?> record, HashSet<string> used, List<string> missing, string attribute)
    {
        var parameterless = type.GetConstructor(Type.EmptyTypes);
        object instance;
        var filledByConstructor = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (parameterless is not null)
        {
            instance = parameterless.Invoke([]);
        }
        else
        {
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                ?? throw new ArgumentException($"{attribute}: {type.Name} has no public constructor");
            var arguments = constructor.GetParameters().Select(p =>
            {
                filledByConstructor.Add(p.Name!);
                return Value(p.Name!, p.ParameterType, fields, record, used, missing, attribute, out var value) ? value : (p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType));
            }).ToArray();
            instance = constructor.Invoke(arguments);
        }

        foreach (var property in Members(type).Where(p => !filledByConstructor.Contains(p.Name)))
        {
            if (Value(property.Name, property.PropertyType, fields, record, used, missing, attribute, out var value))
            {
                property.SetValue(instance, value);
            }
        }

        return instance;
    }

    /// <summary>The value for a member: a field of its name (a scalar), or an object of the fields under its prefix. False when there is none.</summary>
    private static bool Value(string name, Type type, Dictionary<string, string> fields, IReadOnlyDictionary<string, object?> record, HashSet<string> used, List<string> missing, string attribute, out object? value)
    {
        var key = Normalize(name);
        if (IsScalar(type))
        {
            var field = fields.Keys.FirstOrDefault(f => string.Equals(f, name, StringComparison.Ordinal)) ?? fields.Keys.FirstOrDefault(f => Normalize(f) == key);
            if (field is null)
            {
                missing.Add(name);
                value = null;
                return false;
            }

            used.Add(fields[field]);
            value = Convert(record[fields[field]], type, fields[field], attribute);
            return true;
        }

        // An object member: the fields named "<member>_<inner>" (EF's owned and complex types).
        var inner = fields.Where(f => f.Key.IndexOf('_', StringComparison.Ordinal) is > 0 and var cut && Normalize(f.Key[..cut]) == key)
            .ToDictionary(f => f.Key[(f.Key.IndexOf('_', StringComparison.Ordinal) + 1)..], f => f.Value, StringComparer.Ordinal);
        if (inner.Count == 0 || type.IsAbstract || type.IsInterface)
        {
            value = null;
            return false;
        }

        value = Make(type, inner, record, used, missing, attribute);
        return true;
    }

    private static IEnumerable<PropertyInfo> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset)
            || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan) || t == typeof(Guid) || t == typeof(byte[]) || t == typeof(object);
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static object? Default(Type type) => type.IsValueType ? Activator.CreateInstance(type) : null;

    private static object? Convert(object? value, Type type, string field, string attribute)
    {
        if (value is null || type.IsInstanceOfType(value))
        {
            return value ?? Default(type);
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return (target, value) switch
            {
                ({ IsEnum: true }, string text) => Enum.Parse(target, text, ignoreCase: true),
                ({ IsEnum: true }, _) => Enum.ToObject(target, System.Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                _ when target == typeof(string) => System.Convert.ToString(value, CultureInfo.InvariantCulture),
                _ when target == typeof(Guid) => Guid.Parse(value.ToString()!, CultureInfo.InvariantCulture),
                (_, DateTime d) when target == typeof(DateOnly) => DateOnly.FromDateTime(d),
                (_, DateTime d) when target == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                (_, DateOnly d) when target == typeof(DateTime) => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                (_, DateOnly d) when target == typeof(DateTimeOffset) => new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)),
                (_, DateTimeOffset d) when target == typeof(DateTime) => d.UtcDateTime,
                (_, TimeSpan t) when target == typeof(TimeOnly) => TimeOnly.FromTimeSpan(t),
                (_, TimeOnly t) when target == typeof(TimeSpan) => t.ToTimeSpan(),
                _ => System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"{attribute}: field '{field}' ({value.GetType().Name} {value}) does not convert to {type.Name}: {e.Message}", e);
        }
    }
}
