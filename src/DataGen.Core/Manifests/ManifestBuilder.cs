using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen;

/// <summary>
/// Describes a manifest in C# instead of YAML. It builds the same document a YAML file would give and
/// goes through the same validation, so every generator, option and error behaves identically.
/// </summary>
/// <example>
/// <code>
/// var manifest = new ManifestBuilder()
///     .WithSeed(42)
///     .WithModel("customers", m => m.WithCount(100).WithKey("id")
///         .WithField("id", "uuid")
///         .WithField("email", "internet.email", new { unique = true }))
///     .WithModel("orders", m => m.WithCountPerParent("customers", 1, 5)
///         .WithField("customer_id", "ref", new { @ref = "customers.id" }))
///     .Build();
/// </code>
/// </example>
public sealed class ManifestBuilder
{
    private readonly YamlMappingNode _root = [];
    private readonly YamlMappingNode _models = [];
    private readonly YamlMappingNode _variables = [];

    /// <summary>Sets the seed.</summary>
    public ManifestBuilder WithSeed(ulong seed) => Set(_root, "seed", seed);

    /// <summary>Sets the scale that multiplies every root count.</summary>
    public ManifestBuilder WithScale(double scale) => Set(_root, "scale", scale);

    /// <summary>Sets the Bogus locale.</summary>
    public ManifestBuilder WithLocale(string locale) => Set(_root, "locale", locale);

    /// <summary>Sets the fixed "now" of relative dates.</summary>
    public ManifestBuilder WithReferenceDate(DateTime referenceDate) =>
        Set(_root, "referenceDate", Generators.ScalarValues.Format(referenceDate));

    /// <summary>Declares a variable with a default value (null: must be supplied).</summary>
    public ManifestBuilder WithVariable(string name, string? defaultValue)
    {
        _variables.Add(name, ToNode(defaultValue));
        return this;
    }

    /// <summary>Adds a model.</summary>
    public ManifestBuilder WithModel(string name, Action<ModelBuilder> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = new ModelBuilder();
        model(builder);
        _models.Add(name, builder.Node);
        return this;
    }

    /// <summary>Validates and returns the manifest.</summary>
    /// <exception cref="ManifestException">Something is invalid; every error is listed.</exception>
    public Manifest Build(ManifestOptions? options = null)
    {
        var root = new YamlMappingNode(_root.Children);
        if (_variables.Children.Count > 0)
        {
            root.Add("variables", _variables);
        }

        root.Add("models", _models);
        return Manifest.FromDocument(root, "<ManifestBuilder>", options);
    }

    /// <summary>Converts a C# value (scalar, list, dictionary or anonymous object) to a YAML node.</summary>
    internal static YamlNode ToNode(object? value) => value switch
    {
        null => new YamlScalarNode("null"),
        YamlNode node => node,
        string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        bool b => new YamlScalarNode(b ? "true" : "false"),
        DateOnly d => new YamlScalarNode(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        DateTime dt => new YamlScalarNode(Generators.ScalarValues.Format(dt)),
        IFormattable f when value.GetType().IsPrimitive || value is decimal => new YamlScalarNode(f.ToString(null, CultureInfo.InvariantCulture)),
        IDictionary map => new YamlMappingNode(map.Keys.Cast<object>().Select(k => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(Convert.ToString(k, CultureInfo.InvariantCulture)), ToNode(map[k])))),
        IEnumerable list => new YamlSequenceNode(list.Cast<object?>().Select(ToNode)),
        _ => new YamlMappingNode(value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Name), ToNode(p.GetValue(value))))),
    };

    private ManifestBuilder Set(YamlMappingNode map, string key, object value)
    {
        map.Children[new YamlScalarNode(key)] = ToNode(value);
        return this;
    }

    /// <summary>Describes one model.</summary>
    public sealed class ModelBuilder
    {
        internal ModelBuilder()
        {
        }

        internal YamlMappingNode Node { get; } = [];

        private YamlMappingNode Fields
        {
            get
            {
                if (!Node.Children.TryGetValue(new YamlScalarNode("fields"), out var fields))
                {
                    fields = new YamlMappingNode();
                    Node.Add("fields", fields);
                }

                return (YamlMappingNode)fields;
            }
        }

        /// <summary>A fixed count.</summary>
        public ModelBuilder WithCount(long count) => Set("count", new YamlScalarNode(count.ToString(CultureInfo.InvariantCulture)));

        /// <summary>A count drawn once from [min, max].</summary>
        public ModelBuilder WithCount(long min, long max) => Set("count", ToNode(new[] { min, max }));

        /// <summary>Between min and max rows for every row of <paramref name="parent"/>.</summary>
        public ModelBuilder WithCountPerParent(string parent, long min, long max) => Set("count", ToNode(new { per = parent, min, max }));

        /// <summary>The key field.</summary>
        public ModelBuilder WithKey(string field) => Set("key", new YamlScalarNode(field));

        /// <summary>Keeps the model's count as written whatever the scale (<c>scale: false</c>: lookup tables).</summary>
        public ModelBuilder WithoutScaling() => Set("scale", new YamlScalarNode("false"));

        /// <summary>A field from a generator name and its options (an anonymous object or dictionary).</summary>
        public ModelBuilder WithField(string name, string type, object? options = null)
        {
            var node = options is null ? (YamlNode)new YamlScalarNode(type) : ToNode(options);
            if (node is YamlMappingNode map)
            {
                map.Children.Insert(0, new YamlScalarNode("type"), new YamlScalarNode(type));
            }

            Fields.Add(name, node);
            return this;
        }

        /// <summary>
        /// Fuzzed duplicates: <paramref name="ratePercent"/> % of rows copy an earlier row, fuzzing <paramref name="fields"/>
        /// (field → operators: typo, nickname, initials, case, whitespace, phone_format, date_format, drop); every row
        /// carries the original's key in <paramref name="truth"/> (or, hidden, in a model &lt;name&gt;_truth).
        /// </summary>
        public ModelBuilder WithDuplicates(double ratePercent, IReadOnlyDictionary<string, string[]> fields, string truth = "cluster_id", bool hidden = false, (string First, string Second)? swap = null)
        {
            ArgumentNullException.ThrowIfNull(fields);
            var node = new YamlMappingNode
            {
                { "rate", ratePercent.ToString(CultureInfo.InvariantCulture) },
                { "truth", truth },
                { "hidden", hidden ? "true" : "false" },
                { "fields", ToNode(fields) },
            };
            if (swap is { } s)
            {
                node.Add("swap", new YamlSequenceNode(new YamlScalarNode(s.First), new YamlScalarNode(s.Second)));
            }

            return Set("duplicates", node);
        }

        private ModelBuilder Set(string key, YamlNode value)
        {
            Node.Children[new YamlScalarNode(key)] = value;
            return this;
        }
    }
}
