using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace DataGen.Cli.Tests;

/// <summary>The outcomes a page's text block states, and how they are read back from what the commands left.</summary>
public sealed partial class ComingFromDocsTests
{
    private interface IExpectation
    {
        void Check(string folder, IReadOnlyList<string> printed, string page);
    }

    private static IExpectation ParseExpectation(string line, string where) =>
        line.StartsWith("every ", StringComparison.Ordinal) ? Containment.Parse(line, where) : Count.Parse(line, where);

    /// <summary><c>out/a.csv: 50 rows</c>, <c>out/shop.db#orders: 10..90 rows</c>, <c>out/*.zip: 3 files</c>, <c>command 2 prints: 10+ lines</c>.</summary>
    private sealed partial record Count(string Subject, long Min, long Max, string Unit, string Where) : IExpectation
    {
        public static Count Parse(string line, string where)
        {
            var match = Grammar().Match(line);
            if (!match.Success)
            {
                throw new InvalidOperationException($"{where}: '{line}' is not an outcome (path: N rows | path: A..B rows | path: N+ rows | glob: N files | command K prints: N lines | every path.field is in path.field)");
            }

            if ((match.Groups["unit"].Value == "lines") != CommandNumber().IsMatch(match.Groups["subject"].Value))
            {
                throw new InvalidOperationException($"{where}: '{line}': printed lines are counted per command ('command 2 prints: 10 lines'), files by rows or files");
            }

            var min = long.Parse(match.Groups["min"].Value, CultureInfo.InvariantCulture);
            var max = match.Groups["plus"].Success ? long.MaxValue
                : match.Groups["max"].Success ? long.Parse(match.Groups["max"].Value, CultureInfo.InvariantCulture) : min;
            return new Count(match.Groups["subject"].Value, min, max, match.Groups["unit"].Value, where);
        }

        public void Check(string folder, IReadOnlyList<string> printed, string page)
        {
            var actual = Measure(folder, printed);
            var range = Max == long.MaxValue ? $"at least {Min}" : Min == Max ? $"{Min}" : $"{Min} to {Max}";
            actual.Should().BeInRange(Min, Max, $"{Where} says '{Subject}' has {range} {Unit} ({page})");
        }

        private long Measure(string folder, IReadOnlyList<string> printed)
        {
            if (Unit == "lines")
            {
                var command = int.Parse(CommandNumber().Match(Subject).Groups[1].Value, CultureInfo.InvariantCulture);
                printed.Should().HaveCountGreaterThanOrEqualTo(command, $"{Where} names command {command}");
                return printed[command - 1].Split('\n').Count(l => l.Trim().Length > 0);
            }

            if (Unit == "files")
            {
                var directory = Path.Combine(folder, Path.GetDirectoryName(Subject) ?? "");
                return Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(Subject)).Length : 0;
            }

            var hash = Subject.IndexOf('#', StringComparison.Ordinal);
            var path = Existing(folder, hash < 0 ? Subject : Subject[..hash], Where);
            if (hash >= 0)
            {
                using var connection = Open(path);
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT COUNT(*) FROM {Quote(Subject[(hash + 1)..])}";
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            }

            return path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? CsvRecords(File.ReadAllText(path)).Count - 1
                : File.ReadAllLines(path).Count(l => l.Trim().Length > 0);
        }

        [GeneratedRegex(@"^(?<subject>.+?): (?<min>\d+)(?:(?<plus>\+)|\.\.(?<max>\d+))? (?<unit>rows|files|lines)$")]
        private static partial Regex Grammar();

        [GeneratedRegex(@"^command (\d+) prints$")]
        private static partial Regex CommandNumber();
    }

    /// <summary><c>every documents/orders.ndjson.customer_key is in warehouse.db#customer.customer_key</c>: references hold, across files and stores.</summary>
    private sealed partial record Containment(string From, string FromField, string In, string InField, string Where) : IExpectation
    {
        public static Containment Parse(string line, string where)
        {
            var match = Grammar().Match(line);
            return match.Success
                ? new Containment(match.Groups["a"].Value, match.Groups["af"].Value, match.Groups["b"].Value, match.Groups["bf"].Value, where)
                : throw new InvalidOperationException($"{where}: '{line}' is not an outcome (every path.field is in path.field)");
        }

        public void Check(string folder, IReadOnlyList<string> printed, string page)
        {
            var values = Values(folder, From, FromField, Where);
            values.Should().NotBeEmpty($"{Where} reads values of '{From}.{FromField}' ({page})");
            var known = Values(folder, In, InField, Where).ToHashSet(StringComparer.Ordinal);
            values.Where(v => !known.Contains(v)).Should().BeEmpty($"{Where} says every {From}.{FromField} is a {In}.{InField} ({page})");
        }

        [GeneratedRegex(@"^every (?<a>.+)\.(?<af>\w+) is in (?<b>.+)\.(?<bf>\w+)$")]
        private static partial Regex Grammar();
    }

    /// <summary>The non-null values of a field: a column of a SQLite table (<c>file.db#table</c>), a CSV or an NDJSON file.</summary>
    private static List<string> Values(string folder, string source, string field, string where)
    {
        var hash = source.IndexOf('#', StringComparison.Ordinal);
        var path = Existing(folder, hash < 0 ? source : source[..hash], where);
        var values = new List<string>();
        if (hash >= 0)
        {
            using var connection = Open(path);
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Quote(field)} FROM {Quote(source[(hash + 1)..])} WHERE {Quote(field)} IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
            }
        }
        else if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var records = CsvRecords(File.ReadAllText(path));
            var column = records[0].IndexOf(field);
            column.Should().BeGreaterThanOrEqualTo(0, $"{where}: '{source}' has a column '{field}' (its header: {string.Join(',', records[0])})");
            values.AddRange(records.Skip(1).Select(r => r[column]).Where(v => v.Length > 0));
        }
        else
        {
            foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
            {
                using var document = JsonDocument.Parse(line);
                document.RootElement.TryGetProperty(field, out var value).Should().BeTrue($"{where}: every line of '{source}' has '{field}'");
                if (value.ValueKind != JsonValueKind.Null)
                {
                    values.Add(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
                }
            }
        }

        return values;
    }

    private static string Existing(string folder, string relative, string where)
    {
        var path = Path.Combine(folder, relative);
        File.Exists(path).Should().BeTrue($"{where} says the example writes '{relative}'");
        return path;
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<List<string>> CsvRecords(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c is ',' or '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                if (c == '\n')
                {
                    records.Add(record);
                    record = [];
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
