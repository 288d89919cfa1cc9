using System.Text;
using System.Text.RegularExpressions;
using DataGen.Manifests;
using DataGen.Outputs;

namespace DataGen.Cli;

/// <summary>
/// A <c>--print</c> template: text with <c>{{field}}</c> or <c>{{field.path}}</c> placeholders over a stream's fields
/// (nested values by path: <c>{{data.sku}}</c>). Placeholders are checked against the stream's fields before a line is
/// written; an unknown one is an error naming its column in the template and the fields there are.
/// </summary>
internal sealed partial class PrintTemplate
{
    private readonly string _text;
    private readonly (int Start, int Length, string[] Path)[] _placeholders;

    private PrintTemplate(string text, (int, int, string[])[] placeholders)
    {
        _text = text;
        _placeholders = placeholders;
    }

    /// <summary>Parses a template; null for none. When <paramref name="model"/> is known its fields are checked now.</summary>
    public static PrintTemplate? TryParse(string? text, ModelDescriptor? model, out string? error)
    {
        error = null;
        if (text is null)
        {
            return null;
        }

        var placeholders = Placeholder().Matches(text).Select(m => (m.Index, m.Length, m.Groups[1].Value.Trim().Split('.'))).ToArray();
        var stray = text.Replace("{{", "\u0001", StringComparison.Ordinal).IndexOf('\u0001', StringComparison.Ordinal);
        if (placeholders.Length == 0 && stray >= 0 || placeholders.Any(p => p.Item3.Any(s => s.Length == 0)))
        {
            error = $"--print: a placeholder at column {(stray >= 0 ? stray + 1 : 1)} is not {{{{field}}}} or {{{{field.path}}}}";
            return null;
        }

        var template = new PrintTemplate(text, placeholders);
        error = model is null ? null : template.Check(model);
        return error is null ? template : null;
    }

    /// <summary>Null when every placeholder names a field of <paramref name="model"/>; else the first that does not, located.</summary>
    public string? Check(ModelDescriptor model)
    {
        foreach (var (start, _, path) in _placeholders)
        {
            if (!model.Fields.Any(f => f.Name == path[0]))
            {
                var fields = model.Fields.Select(f => f.Name).ToList();
                return $"--print: '{{{{{string.Join('.', path)}}}}}' at column {start + 1} is not a field of stream '{model.Name}'{Suggest.Hint(path[0], fields)}; its fields: {string.Join(", ", fields)}";
            }
        }

        return null;
    }

    /// <summary>The line for one row.</summary>
    public string Render(ModelDescriptor model, object?[] row)
    {
        var text = new StringBuilder(_text.Length + 32);
        var at = 0;
        foreach (var (start, length, path) in _placeholders)
        {
            text.Append(_text, at, start - at);
            object? value = row[model.Fields.ToList().FindIndex(f => f.Name == path[0])];
            for (var i = 1; i < path.Length && value is not null; i++)
            {
                value = value is IReadOnlyDictionary<string, object?> nested ? nested.GetValueOrDefault(path[i]) : null;
            }

            text.Append(value switch
            {
                null => string.Empty,
                IReadOnlyDictionary<string, object?> or object?[] => ValueText.ToJson(value),
                _ => ValueText.Format(value),
            });
            at = start + length;
        }

        return text.Append(_text, at, _text.Length - at).ToString();
    }

    [GeneratedRegex(@"\{\{([^{}]*)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

/// <summary>Writes each row as one line of a <see cref="PrintTemplate"/>, flushed per batch (a live stream shows at once).</summary>
internal sealed class PrintOutput(TextWriter writer, PrintTemplate template) : IDataOutput
{
    public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) =>
        template.Check(model) is { } error
            ? throw new ArgumentException(error)
            : ValueTask.FromResult<IModelWriter>(new Lines(writer, template));

    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Lines(TextWriter writer, PrintTemplate template) : IModelWriter
    {
        private long _rows;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            foreach (var row in batch.Rows)
            {
                await writer.WriteLineAsync(template.Render(batch.Model, row).AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            _rows += batch.Rows.Count;
        }

        public ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_rows);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
