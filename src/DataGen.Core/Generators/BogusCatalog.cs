using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>
/// Bogus data sets addressed by name (<c>name.firstName</c>, <c>internet.email</c>, <c>finance.amount</c>…)
/// with positional or named arguments. Arguments that are text may be templates of the row's fields.
/// The most used methods run natively over Bogus's locale data (see <see cref="NativeBogus"/>); every
/// other method is called on Bogus itself through a compiled delegate.
/// </summary>
internal static class BogusCatalog
{
    private static readonly Dictionary<string, Type> DataSets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["address"] = typeof(Bogus.DataSets.Address),
        ["commerce"] = typeof(Bogus.DataSets.Commerce),
        ["company"] = typeof(Bogus.DataSets.Company),
        ["database"] = typeof(Bogus.DataSets.Database),
        ["date"] = typeof(Bogus.DataSets.Date),
        ["finance"] = typeof(Bogus.DataSets.Finance),
        ["hacker"] = typeof(Bogus.DataSets.Hacker),
        ["image"] = typeof(Bogus.DataSets.Images),
        ["internet"] = typeof(Bogus.DataSets.Internet),
        ["lorem"] = typeof(Bogus.DataSets.Lorem),
        ["music"] = typeof(Bogus.DataSets.Music),
        ["name"] = typeof(Bogus.DataSets.Name),
        ["phone"] = typeof(Bogus.DataSets.PhoneNumbers),
        ["random"] = typeof(Bogus.Randomizer),
        ["rant"] = typeof(Bogus.DataSets.Rant),
        ["system"] = typeof(Bogus.DataSets.System),
        ["vehicle"] = typeof(Bogus.DataSets.Vehicle),
    };

    /// <summary>Every <c>dataset.method</c> name, for the JSON Schema and suggestions.</summary>
    public static IEnumerable<string> AllNames =>
        DataSets.SelectMany(d => Methods(d.Value).Select(m => $"{d.Key}.{Camel(m.Name)}")).Distinct().Order(StringComparer.Ordinal);

    public static bool LooksLikeBogus(string type) => type.Contains('.', StringComparison.Ordinal);

    /// <summary>Compiles a <c>dataset.method</c> field, reporting unknown names and bad arguments.</summary>
    public static FieldGenerator? Create(FieldSpec spec, CompileContext ctx)
    {
        spec.ReportUnknownOptions(["args", .. GeneratorCatalog.CommonOptions.Select(o => o.Name)]);
        var dot = spec.Type.IndexOf('.', StringComparison.Ordinal);
        var dataSetName = spec.Type[..dot];
        var methodName = spec.Type[(dot + 1)..];
        if (!DataSets.TryGetValue(dataSetName, out var type))
        {
            var suggestion = Suggest.Closest(dataSetName, DataSets.Keys);
            spec.Error(spec.TypeNode, $"unknown generator '{spec.Type}': '{dataSetName}' is not a Bogus data set"
                + (suggestion is null ? string.Empty : $" (did you mean '{suggestion}.{methodName}'?)")
                + $"; data sets: {string.Join(", ", DataSets.Keys.Order(StringComparer.Ordinal))}");
            return null;
        }

        var candidates = Methods(type).Where(m => string.Equals(m.Name, methodName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (candidates.Count == 0)
        {
            var names = Methods(type).Select(m => Camel(m.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
            var suggestion = Suggest.Closest(methodName, names);
            spec.Error(spec.TypeNode, $"unknown Bogus method '{spec.Type}'"
                + (suggestion is null ? string.Empty : $" (did you mean '{dataSetName}.{suggestion}'?)")
                + $"; '{dataSetName}' has: {string.Join(", ", names)}");
            return null;
        }

        var argsNode = spec.Find("args");
        var bound = Bind(spec, ctx, candidates, argsNode);
        if (bound is null)
        {
            return null;
        }

        var (method, arguments) = bound.Value;
        var size = Size(method, arguments, out var negative);
        if (negative is not null)
        {
            spec.Error(argsNode ?? spec.TypeNode, $"argument '{negative}' of '{spec.Type}' is a count or length and must not be negative");
            return null;
        }

        if (size > StructureGenerators.MaxValuesPerRow)
        {
            spec.Error(argsNode ?? spec.TypeNode, $"'{spec.Type}' with these arguments makes values of up to {size:G3} characters (one counts as one value); a value may hold at most {StructureGenerators.MaxValuesPerRow:N0}, as a row may: lower the count or length");
            return null;
        }

        var locale = ctx.Locale;
        return NativeBogus.TryCreate(type, method, arguments, locale)
            ?? new BogusGenerator(type, Invoker(type, method), arguments, locale, ScalarValues.KindOf(Default(method.ReturnType)), size);
    }

    /// <summary>
    /// The work estimate of one value of a text or collection method: its count and length arguments (the largest)
    /// times the characters one unit may take (a paragraph up to 720, a sentence or line 120, a word 12, else 1);
    /// 1 for anything else. <paramref name="negative"/> names a count or length argument below zero.
    /// </summary>
    internal static double Size(MethodInfo method, Argument[] arguments, out string? negative)
    {
        negative = null;
        var returns = method.ReturnType;
        if (returns != typeof(string) && !returns.IsArray && !(returns.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(returns)))
        {
            return 1;
        }

        var name = method.Name.ToLowerInvariant();
        var unit = name.Contains("paragraph", StringComparison.Ordinal) ? 720
            : name.Contains("sentence", StringComparison.Ordinal) || name.Contains("line", StringComparison.Ordinal) || name.Contains("text", StringComparison.Ordinal) ? 120
            : name.Contains("word", StringComparison.Ordinal) || name.Contains("slug", StringComparison.Ordinal) ? 12
            : 1;
        double largest = 0;
        var parameters = method.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i].Name?.ToLowerInvariant() ?? string.Empty;
            if (!(p.Contains("count", StringComparison.Ordinal) || p.Contains("length", StringComparison.Ordinal) || p.StartsWith("num", StringComparison.Ordinal) || p is "min" or "max" or "lines")
                || arguments[i].Value is not (int or long or short or byte))
            {
                continue;
            }

            var value = System.Convert.ToDouble(arguments[i].Value, CultureInfo.InvariantCulture);
            if (value < 0)
            {
                negative = parameters[i].Name;
            }

            largest = Math.Max(largest, value);
        }

        return Math.Max(1, largest * unit);
    }

    /// <summary>
    /// A <c>dataset.method</c> called with its defaults (no arguments), for event fields; null with a message when
    /// the name is not a Bogus method that can be called that way.
    /// </summary>
    public static Func<BogusSession, object?>? WithDefaults(string name, out string? error)
    {
        error = null;
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !DataSets.TryGetValue(name[..dot], out var type))
        {
            error = $"'{name}' is not a Bogus method (dataset.method){Suggest.Hint(dot > 0 ? name[..dot] : name, DataSets.Keys)}";
            return null;
        }

        var method = Methods(type)
            .Where(m => string.Equals(m.Name, name[(dot + 1)..], StringComparison.OrdinalIgnoreCase) && m.GetParameters().All(p => p.IsOptional))
            .OrderBy(m => m.GetParameters().Length)
            .FirstOrDefault();
        if (method is null)
        {
            var names = Methods(type).Select(m => Camel(m.Name)).Distinct().Order(StringComparer.Ordinal).ToList();
            error = $"unknown Bogus method '{name}' (or it needs arguments){Suggest.Hint(name[(dot + 1)..], names)}";
            return null;
        }

        var invoke = Invoker(type, method);
        var defaults = method.GetParameters().Select(p => p.DefaultValue is DBNull ? null : p.DefaultValue).ToArray();
        return session => ScalarValues.Normalize(invoke(session.DataSet(type), defaults));
    }

    // Reflection and compiled invokers are made once per data set and method: a manifest with many Bogus fields (or
    // many manifests, as the fuzz test reads) would otherwise compile an expression tree per field.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, MethodInfo[]> MethodCache = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, Func<object, object?[], object?>> Invokers = new();

    private static MethodInfo[] Methods(Type type) => MethodCache.GetOrAdd(type, static t => [.. FindMethods(t)]);

    private static IEnumerable<MethodInfo> FindMethods(Type type) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && !m.IsGenericMethodDefinition && m.ReturnType != typeof(void)
                && m.GetParameters().All(p => Convertible(p.ParameterType)));

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static object? Default(Type t) =>
        t == typeof(string) ? string.Empty : t.IsValueType && Nullable.GetUnderlyingType(t) is null ? Activator.CreateInstance(t) : null;

    private static bool Convertible(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t == typeof(string) || t.IsPrimitive || t == typeof(decimal) || t.IsEnum
            || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan);
    }

    private static (MethodInfo, Argument[])? Bind(FieldSpec spec, CompileContext ctx, List<MethodInfo> candidates, YamlNode? argsNode)
    {
        var positional = argsNode as YamlSequenceNode;
        var named = argsNode as YamlMappingNode;
        if (argsNode is not null && positional is null && named is null)
        {
            spec.Error(argsNode, "'args' must be a list (positional) or a map (by parameter name)");
            return null;
        }

        var given = positional?.Children.Count ?? named?.Children.Count ?? 0;
        MethodInfo? chosen = null;
        foreach (var m in candidates.OrderBy(m => m.GetParameters().Length))
        {
            var ps = m.GetParameters();
            if (named is not null)
            {
                var names = named.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).ToList();
                if (names.All(n => ps.Any(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
                    && ps.Where(p => !p.IsOptional).All(p => names.Contains(p.Name, StringComparer.OrdinalIgnoreCase)))
                {
                    chosen = m;
                    break;
                }
            }
            else if (ps.Length >= given && ps.Skip(given).All(p => p.IsOptional))
            {
                chosen = m;
                break;
            }
        }

        if (chosen is null)
        {
            var signatures = string.Join("; ", candidates.Select(m => $"{Camel(m.Name)}({string.Join(", ", m.GetParameters().Select(p => $"{p.Name}: {TypeName(p.ParameterType)}{(p.IsOptional ? " = optional" : string.Empty)}"))})"));
            spec.Error(argsNode ?? spec.TypeNode, $"no overload of '{spec.Type}' takes {(named is not null ? "arguments named " + string.Join(", ", named.Children.Keys) : given + " argument(s)")}; expected {signatures}");
            return null;
        }

        var parameters = chosen.GetParameters();
        var arguments = new Argument[parameters.Length];
        var ok = true;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            YamlNode? node = positional is not null && i < positional.Children.Count
                ? positional[i]
                : named?.Children.FirstOrDefault(kv => string.Equals((kv.Key as YamlScalarNode)?.Value, p.Name, StringComparison.OrdinalIgnoreCase)).Value;
            if (node is null)
            {
                // Bogus reads the clock when refDate is null: give it the manifest's fixed reference date instead.
                arguments[i] = new Argument(p.Name == "refDate" ? ReferenceValue(p.ParameterType, ctx.ReferenceDate) : p.HasDefaultValue ? p.DefaultValue : Default(p.ParameterType), null);
                continue;
            }

            var argument = Convert(spec, ctx, node, p);
            ok &= argument is not null;
            arguments[i] = argument ?? default;
        }

        return ok ? (chosen, arguments) : null;
    }

    private static Argument? Convert(FieldSpec spec, CompileContext ctx, YamlNode node, ParameterInfo p)
    {
        var target = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
        var raw = spec.RawScalar(node, $"a value for parameter '{p.Name}'");
        if (raw is null)
        {
            return null;
        }

        if (target == typeof(string))
        {
            var template = CompiledTemplate.Compile(raw, node, spec, ctx);
            return template is null ? null : template.IsConstant ? new Argument(template.Render(null!), null) : new Argument(null, template);
        }

        var text = spec.Scalar(node, $"a value for parameter '{p.Name}'") ?? string.Empty;
        object? value = null;
        if (text is "null" or "~" && Nullable.GetUnderlyingType(p.ParameterType) is not null)
        {
            return new Argument(null, null);
        }

        if (target.IsEnum)
        {
            value = Enum.TryParse(target, text, ignoreCase: true, out var e) ? e : null;
        }
        else if (target == typeof(bool))
        {
            value = text switch { "true" => true, "false" => false, _ => null };
        }
        else if (target == typeof(DateTime) || target == typeof(DateTimeOffset) || target == typeof(DateOnly))
        {
            value = DateGenerators.Parse(text, ctx.ReferenceDate) is { } date ? ReferenceValue(target, date) : null;
        }
        else if (target == typeof(TimeOnly))
        {
            value = TimeOnly.TryParse(text, CultureInfo.InvariantCulture, out var time) ? time : null;
        }
        else if (target == typeof(TimeSpan))
        {
            value = TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
        }
        else
        {
            try
            {
                value = System.Convert.ChangeType(text, target, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
            {
                value = null;
            }
        }

        if (value is null)
        {
            var hint = target.IsEnum ? $" ({string.Join(", ", Enum.GetNames(target))})" : string.Empty;
            spec.Error(node, $"argument '{p.Name}' of '{spec.Type}' must be {TypeName(target)}{hint}, found '{text}'");
            return null;
        }

        return new Argument(value, null);
    }

    private static object? ReferenceValue(Type type, DateTime reference) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(DateTime) => reference,
        var t when t == typeof(DateTimeOffset) => new DateTimeOffset(reference),
        var t when t == typeof(DateOnly) => DateOnly.FromDateTime(reference),
        var t when t == typeof(TimeOnly) => TimeOnly.FromDateTime(reference),
        _ => null,
    };

    private static string TypeName(Type t) => (Nullable.GetUnderlyingType(t) ?? t) switch
    {
        var x when x == typeof(int) || x == typeof(long) || x == typeof(short) || x == typeof(byte) => "an integer",
        var x when x == typeof(double) || x == typeof(float) || x == typeof(decimal) => "a number",
        var x when x == typeof(bool) => "true or false",
        var x when x == typeof(string) => "text",
        var x when x == typeof(DateTime) => "a date",
        var x when x.IsEnum => $"one of {x.Name}",
        var x => x.Name,
    };

    private static Func<object, object?[], object?> Invoker(Type type, MethodInfo method) => Invokers.GetOrAdd(method, m => CompileInvoker(type, m));

    private static Func<object, object?[], object?> CompileInvoker(Type type, MethodInfo method)
    {
        var target = Expression.Parameter(typeof(object), "target");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var call = Expression.Call(
            Expression.Convert(target, type),
            method,
            method.GetParameters().Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType)));
        return Expression.Lambda<Func<object, object?[], object?>>(Expression.Convert(call, typeof(object)), target, args).Compile();
    }

    /// <summary>A bound argument: a constant, or a template rendered per row.</summary>
    internal readonly record struct Argument(object? Value, CompiledTemplate? Template);

    private sealed class BogusGenerator(Type dataSet, Func<object, object?[], object?> invoke, Argument[] arguments, string locale, ValueKind kind, double size) : FieldGenerator
    {
        private readonly bool _hasTemplates = arguments.Any(a => a.Template is not null);
        private readonly object?[] _constants = arguments.Select(a => a.Value).ToArray();

        public override ValueKind Kind => kind;

        public override double MaxValues => size;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var session = scope.Row.Worker.Bogus(locale);
            session.Source.Reset(random);
            var args = _constants;
            if (_hasTemplates)
            {
                args = new object?[arguments.Length];
                for (var i = 0; i < arguments.Length; i++)
                {
                    args[i] = arguments[i].Template?.Render(scope) ?? arguments[i].Value;
                }
            }

            return ScalarValues.Normalize(invoke(session.DataSet(dataSet), args));
        }
    }
}
