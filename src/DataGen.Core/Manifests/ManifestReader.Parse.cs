using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

internal sealed partial class ManifestReader
{
    /// <summary>Streams the parser's events (no tree, no recursion) to refuse nesting beyond <paramref name="maxDepth"/>.</summary>
    private static bool WithinLimits(string text, ErrorSink errors, int maxDepth)
    {
        // YamlDotNet's scanner recurses on flow collections ([ and {): too deep a nest overflows the stack before any
        // event comes out, so count them in the text first (outside quotes and comments).
        if (FlowNestingTooDeep(text, maxDepth) is { } deep)
        {
            errors.Add(deep.Line, deep.Column, $"the manifest nests [ and {{ more than {maxDepth} levels deep (ManifestOptions.MaxNesting)");
            return false;
        }

        var parser = new YamlDotNet.Core.Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > maxDepth)
                    {
                        var at = parser.Current!.Start;
                        errors.Add((int)at.Line, (int)at.Column, $"the manifest nests mappings and sequences more than {maxDepth} levels deep (ManifestOptions.MaxNesting)");
                        return false;
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }

        return true;
    }

    /// <summary>Where flow collections first nest deeper than <paramref name="maxDepth"/>, or null.</summary>
    private static (int Line, int Column)? FlowNestingTooDeep(string text, int maxDepth)
    {
        var depth = 0;
        var (line, column) = (1, 0);
        var quote = '\0';
        var comment = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            column++;
            if (c == '\n')
            {
                (line, column, comment) = (line + 1, 0, false);
                continue;
            }

            if (comment)
            {
                continue;
            }

            if (quote != '\0')
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                    column++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '#' when i == 0 || char.IsWhiteSpace(text[i - 1]):
                    comment = true;
                    break;
                case '[' or '{':
                    if (++depth > maxDepth)
                    {
                        return (line, column);
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }

    /// <summary>The node count with every alias followed, memoised per node (so it is linear in the file) and capped.</summary>
    private static long ExpandedSize(YamlNode node, Dictionary<YamlNode, long> sizes, int depth, long cap)
    {
        if (sizes.TryGetValue(node, out var known))
        {
            return known;
        }

        long size = 1;
        if (depth <= 1024)
        {
            var children = node switch
            {
                YamlMappingNode m => m.Children.SelectMany(kv => new[] { kv.Key, kv.Value }),
                YamlSequenceNode s => s.Children,
                _ => [],
            };
            foreach (var child in children)
            {
                size = Math.Min(size + ExpandedSize(child, sizes, depth + 1, cap), cap + 1);
            }
        }

        sizes[node] = size;
        return size;
    }

    /// <summary>Parses YAML text; a syntax error is reported at its position and yields null.</summary>
    public static YamlMappingNode? Parse(string text, ErrorSink errors, int maxDepth = 64, long maxNodes = 1_000_000)
    {
        try
        {
            // Before the tree is built: nesting deep enough to exhaust the stack, and anchors that expand a small file
            // into millions of nodes, are refused with their position instead of taking the process down.
            if (!WithinLimits(text, errors, maxDepth))
            {
                return null;
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                errors.Add(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "the manifest must be a mapping with at least 'models:'");
                return null;
            }

            var expanded = ExpandedSize(root, new Dictionary<YamlNode, long>(ReferenceEqualityComparer.Instance), 0, maxNodes);
            if (expanded > maxNodes)
            {
                errors.Add(root, $"the manifest expands to more than {maxNodes:N0} YAML nodes through its anchors and aliases (&name / *name): an alias bomb, or anchors reused far more than a manifest needs (ManifestOptions.MaxNodes)");
                return null;
            }

            return root;
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            errors.Add((int)e.Start.Line, (int)e.Start.Column, $"invalid YAML: {Clean(message)}");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner can fail without a position (an unterminated flow sequence at the end of the text, …):
            // report it at the last line, where such a scan stops, rather than as a crash.
            var lines = text.Split('\n');
            errors.Add(lines.Length, lines[^1].Length + 1, $"invalid YAML: the text ends inside a structure or a scalar the parser cannot finish ({e.GetType().Name})");
            return null;
        }
    }
}
