using System.Globalization;
using System.Text;
using DataGen.Outputs;
using DataGen.Sql;

namespace DataGen.PostgreSql;

// Each value's text input form: what COPY's text format takes for any type.
internal sealed partial class PostgresTypes
{
    /// <summary>
    /// A value's text input form for a column of <paramref name="type"/> (null: not known): lists as array literals,
    /// objects as composite literals (attributes by name), hstore pairs or JSON, bytes as <c>\x…</c> hex, times with
    /// their UTC offset; text as it is (a literal the generator wrote).
    /// </summary>
    public string Text(object value, PgType? type)
    {
        switch (value)
        {
            case string s when type is { Name: "json" or "jsonb" } && !(s.StartsWith('{') || s.StartsWith('[')):
                // As on the binary path: text that is not a JSON object or array is a JSON string.
                return ValueText.ToJson(s);
            case string s:
                return s;
            case byte[] bytes:
                return "\\x" + Convert.ToHexStringLower(bytes);
            case IReadOnlyDictionary<string, object?> map:
                return type switch
                {
                    { Name: "hstore" } => string.Join(", ", map.Select(p => Quote(p.Key) + "=>" + (p.Value is null ? "NULL" : Quote(Text(p.Value, null))))),
                    { Type: 'c', AttributeNames: { } names, AttributeTypes: { } types } => Composite(map, type, names, types),
                    _ => ValueText.ToJson(map),
                };
            case System.Collections.IEnumerable list when type is { Category: 'A' } array:
                return Array(list, Find(array.Element) is { } e ? Resolve(e.Oid, e.Name).Type : null);
            case System.Collections.IEnumerable list:
                return ValueText.ToJson(list);
            case DateTime dt:
                return dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "+00";
            case TimeOnly t:
                return t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + (type is { Name: "time with time zone" } ? "+00" : string.Empty);
            case TimeSpan span:
                return span.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) + " seconds";
            case bool b:
                return b ? "t" : "f";
            default:
                return ValueText.Format(value);
        }
    }

    /// <summary>
    /// The bytes of bytea's text input forms: hex (<c>\x00ff</c>) or escape (<c>a\\b\001</c>: a backslash doubled, a byte as three
    /// octal digits; any other character as its UTF-8 bytes, so plain text is its own bytes).
    /// </summary>
    public static byte[] ByteaFromText(string text)
    {
        if (text.StartsWith("\\x", StringComparison.Ordinal))
        {
            return Convert.FromHexString(text.AsSpan(2).Trim());
        }

        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                var end = i;
                while (end < text.Length && text[end] != '\\')
                {
                    end++;
                }

                bytes.AddRange(Encoding.UTF8.GetBytes(text[i..end]));
                i = end - 1;
            }
            else if (i + 1 < text.Length && text[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else if (i + 3 < text.Length && text[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7') && text[i + 1] <= '3')
            {
                bytes.Add(Convert.ToByte(text[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else
            {
                throw new FormatException($"invalid bytea escape at character {i + 1}: a backslash is followed by another backslash or three octal digits (or write hex: \\x…)");
            }
        }

        return [.. bytes];
    }

    /// <summary>An array literal; a list inside the list is a dimension (<c>{{1,2},{3,4}}</c>).</summary>
    private string Array(System.Collections.IEnumerable list, PgType? element) =>
        "{" + string.Join(",", list.Cast<object?>().Select(v => v switch
        {
            null => "NULL",
            System.Collections.IEnumerable inner and not string and not byte[] and not IReadOnlyDictionary<string, object?> when element is not { Category: 'A' } => Array(inner, element),
            _ => Quote(Text(v, element)),
        })) + "}";

    /// <summary>A composite literal, attributes by name (a missing one NULL); a key that is no attribute is an error, not dropped.</summary>
    private string Composite(IReadOnlyDictionary<string, object?> map, PgType type, IReadOnlyList<string> names, IReadOnlyList<uint> types)
    {
        if (map.Keys.FirstOrDefault(k => !names.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"type {type.Name} has no attribute '{unknown}' (its attributes: {string.Join(", ", names)})");
        }

        return "(" + string.Join(",", names.Select((n, i) => map.TryGetValue(n, out var v) && v is not null ? Quote(Text(v, Resolve(types[i], string.Empty).Type)) : string.Empty)) + ")";
    }

    /// <summary>A double-quoted element of an array, composite or hstore literal.</summary>
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Appends a field of COPY's text format: backslash, tab, newline and carriage return escaped.</summary>
    public static void AppendCopyField(StringBuilder row, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => row.Append("\\\\"),
                '\t' => row.Append("\\t"),
                '\n' => row.Append("\\n"),
                '\r' => row.Append("\\r"),
                _ => row.Append(c),
            };
        }
    }
}
