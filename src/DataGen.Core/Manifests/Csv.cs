using System.Text;

namespace DataGen.Manifests;

/// <summary>RFC 4180 CSV: one line split (<see cref="Split"/>), or a whole file's records, line breaks inside quoted fields included (<see cref="Records"/>).</summary>
internal static class Csv
{
    /// <summary>
    /// Every record of a CSV text with the 1-based line it starts on: quoted fields may hold commas, doubled quotes and
    /// line breaks; a record ends at an unquoted CRLF or LF; empty lines are skipped.
    /// </summary>
    public static IEnumerable<(int Line, string[] Values)> Records(TextReader reader)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        var (line, start, quoted, any) = (1, 1, false, false);
        for (var next = reader.Read(); next >= 0; next = reader.Read())
        {
            var c = (char)next;
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    current.Append('"');
                    reader.Read();
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    current.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    (quoted, any) = (true, true);
                    break;
                case ',':
                    values.Add(current.ToString());
                    current.Clear();
                    any = true;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n':
                    if (any || current.Length > 0)
                    {
                        values.Add(current.ToString());
                        yield return (start, values.ToArray());
                    }

                    values.Clear();
                    current.Clear();
                    any = false;
                    start = ++line;
                    break;
                default:
                    current.Append(c);
                    any = true;
                    break;
            }
        }

        if (any || current.Length > 0)
        {
            values.Add(current.ToString());
            yield return (start, values.ToArray());
        }
    }

    public static string[] Split(string line)
    {
        var values = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                values.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        values.Add(current.ToString());
        return values.ToArray();
    }
}
