using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// The hottest Bogus methods evaluated natively over Bogus's own locale data: the same names,
/// cities and formats, without Bogus's per-call regex token parsing and process-wide lock.
/// This is what makes a manifest faster than a hand-written <c>Faker&lt;T&gt;</c>, and it pins
/// the algorithm in our code so a Bogus upgrade cannot change output for a seed (only its data can).
/// </summary>
internal static class NativeBogus
{
    private static readonly ConcurrentDictionary<(string Locale, string Category, string Key), string[]?> Arrays = new();

    private delegate string Native(ref DeterministicRandom random, ObjectScope scope);

    public static FieldGenerator? TryCreate(Type dataSet, MethodInfo method, BogusCatalog.Argument[] arguments, string locale)
    {
        var name = $"{dataSet.Name}.{method.Name}";
        var none = arguments.Length == 0 || arguments.All(a => a.Template is null && a.Value is null);
        Native? native = name switch
        {
            "Name.FirstName" when none && Gendered(locale, "first_name") is { } g => (ref r, _) => Pick(g, ref r),
            "Name.LastName" when none && Gendered(locale, "last_name") is { } g => (ref r, _) => Pick(g, ref r),
            "Name.FullName" when none && Gendered(locale, "first_name") is { } f && Gendered(locale, "last_name") is { } l =>
                (ref r, _) => string.Concat(Pick(f, ref r), " ", Pick(l, ref r)),
            "Address.City" when none && Formats(locale, "address", "city") is { } f => Expander(locale, "address", f),
            "Address.StreetName" when none && Formats(locale, "address", "street_name") is { } f => Expander(locale, "address", f),
            "Address.StreetAddress" when arguments.All(a => a.Template is null && a.Value is null or false) && Formats(locale, "address", "street_address") is { } f => Expander(locale, "address", f),
            "Address.BuildingNumber" when none && Formats(locale, "address", "building_number") is { } f => Expander(locale, "address", f),
            "Address.ZipCode" when none && Formats(locale, "address", "postcode") is { } f => Expander(locale, "address", f),
            "Address.Country" when none && Formats(locale, "address", "country") is { } f => Expander(locale, "address", f),
            "Address.State" when none && Formats(locale, "address", "state") is { } f => Expander(locale, "address", f),
            "Address.StateAbbr" when none && Formats(locale, "address", "state_abbr") is { } f => Expander(locale, "address", f),
            "PhoneNumbers.PhoneNumber" when none && Formats(locale, "phone_number", "formats") is { } f => Expander(locale, "phone_number", f),
            "Company.CompanyName" when none && Formats(locale, "company", "name") is { } f => Expander(locale, "company", f),
            "Internet.UserName" when arguments.Length == 2 && Gendered(locale, "first_name") is { } f && Gendered(locale, "last_name") is { } l =>
                UserName(f, l, arguments[0], arguments[1]),
            "Internet.Email" when arguments.Length >= 3 && arguments.Skip(2).All(a => a.Template is null && a.Value is null)
                && Gendered(locale, "first_name") is { } f && Gendered(locale, "last_name") is { } l && Formats(locale, "internet", "free_email") is { } providers =>
                UserName(f, l, arguments[0], arguments[1], providers),
            _ => null,
        };

        return native is null ? null : new NativeGenerator(native);
    }

    private static string Pick(string[] values, ref DeterministicRandom random) => values[random.NextIndex(values.Length)];

    private static string[]? Load(string locale, string category, string key) =>
        Arrays.GetOrAdd((locale, category, key), static k =>
        {
            var value = Bogus.Database.HasKey(k.Category, k.Key, k.Locale, "en") ? Bogus.Database.Get(k.Category, k.Key, k.Locale, "en") : null;
            if (value is not Bogus.Bson.BArray array || array.Count == 0)
            {
                return null;
            }

            var result = new string[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i].ValueType != Bogus.Bson.BValueType.String)
                {
                    return null;
                }

                result[i] = array[i].StringValue;
            }

            return result;
        });

    /// <summary>Bogus picks a gender first where a locale has gendered lists; so do we.</summary>
    private static string[]? Gendered(string locale, string key)
    {
        var male = Load(locale, "name", "male_" + key);
        var female = Load(locale, "name", "female_" + key);
        return male is not null && female is not null ? [.. male, .. female] : Load(locale, "name", key);
    }

    private static string[]? Formats(string locale, string category, string key)
    {
        var formats = Load(locale, category, key);
        return formats is not null && formats.All(f => TokensResolvable(locale, category, f)) ? formats : null;
    }

    private static bool TokensResolvable(string locale, string category, string format)
    {
        foreach (var (cat, key) in Tokens(category, format))
        {
            if ((cat == "name" ? Gendered(locale, key) : Load(locale, cat, key)) is null)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<(string Category, string Key)> Tokens(string category, string format)
    {
        var start = 0;
        while ((start = format.IndexOf("#{", start, StringComparison.Ordinal)) >= 0)
        {
            var end = format.IndexOf('}', start);
            if (end < 0)
            {
                yield break;
            }

            var token = format[(start + 2)..end];
            var dot = token.IndexOf('.', StringComparison.Ordinal);
            yield return dot < 0
                ? (category, token)
                : (Snake(token[..dot]), token[(dot + 1)..]);
            start = end + 1;
        }
    }

    private static string Snake(string category) => category switch
    {
        "PhoneNumber" => "phone_number",
        _ => category.ToLowerInvariant(),
    };

    /// <summary>A format compiled once: literal parts and token choices (themselves formats), then # (0–9), ! (2–9) and ? (A–Z) filled in.</summary>
    private static Native Expander(string locale, string category, string[] formats)
    {
        var compiled = CompiledFormat.Choices(locale, category, formats, depth: 0);
        return (ref random, _) =>
        {
            var builder = StringBuilderCache.Acquire();
            compiled[random.NextIndex(compiled.Length)].Append(builder, ref random);
            return FillSymbols(builder, ref random);
        };
    }

    private static string FillSymbols(StringBuilder builder, ref DeterministicRandom random)
    {
        // Filled in a copy: a StringBuilder's indexer walks its chunks on every call.
        var length = builder.Length;
        var chars = length <= 256 ? stackalloc char[length] : new char[length];
        builder.CopyTo(0, chars, length);
        StringBuilderCache.Release(builder);
        for (var i = 0; i < chars.Length; i++)
        {
            switch (chars[i])
            {
                case '#':
                    chars[i] = (char)('0' + random.NextIndex(10));
                    break;
                case '!':
                    chars[i] = (char)('2' + random.NextIndex(8));
                    break;
                case '?':
                    chars[i] = (char)('A' + random.NextIndex(26));
                    break;
            }
        }

        return new string(chars);
    }

    /// <summary>A user name; with <paramref name="providers"/>, an e-mail address (the user name, '@', a provider), built as one string.</summary>
    private static Native UserName(string[] firstNames, string[] lastNames, BogusCatalog.Argument first, BogusCatalog.Argument last, string[]? providers = null) =>
        (ref random, scope) =>
        {
            var f = Text(first, scope) ?? Pick(firstNames, ref random);
            var l = Text(last, scope) ?? Pick(lastNames, ref random);
            var builder = StringBuilderCache.Acquire();
            AppendUserName(builder, f, l, ref random);
            if (providers is not null)
            {
                builder.Append('@').Append(Pick(providers, ref random));
            }

            return StringBuilderCache.ToStringAndRelease(builder);
        };

    private static void AppendUserName(StringBuilder builder, string first, string last, ref DeterministicRandom random)
    {
        switch (random.NextIndex(3))
        {
            case 0:
                AppendSlug(builder, first);
                AppendBelow100(builder, random.NextIndex(100));
                break;
            case 1:
                AppendSlug(builder, first);
                builder.Append(random.NextIndex(2) == 0 ? '.' : '_');
                AppendSlug(builder, last);
                break;
            default:
                AppendSlug(builder, first);
                builder.Append(random.NextIndex(2) == 0 ? '.' : '_');
                AppendSlug(builder, last);
                AppendBelow100(builder, random.NextIndex(100));
                break;
        }
    }

    /// <summary>0–99 in decimal digits, as <c>ToString</c> writes it, without the string.</summary>
    private static void AppendBelow100(StringBuilder builder, int value)
    {
        if (value >= 10)
        {
            builder.Append((char)('0' + (value / 10)));
        }

        builder.Append((char)('0' + (value % 10)));
    }

    private static string? Text(BogusCatalog.Argument argument, ObjectScope scope) =>
        argument.Template?.Render(scope) ?? argument.Value as string;

    /// <summary>Keeps letters, digits, '.', '_' and '-'; folds Latin accents to ASCII (Jöhn → John) with our own table, not ICU, so it is the same on every machine.</summary>
    private static void AppendSlug(StringBuilder builder, string text)
    {
        if (!text.AsSpan().ContainsAnyExcept(SlugAscii))
        {
            builder.Append(text);
            return;
        }

        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                builder.Append(c);
            }
            else if (c > 127)
            {
                builder.Append(LatinFolding.Fold(c));
            }
        }
    }

    /// <summary>What a slug keeps as it is.</summary>
    private static readonly System.Buffers.SearchValues<char> SlugAscii =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private sealed class CompiledFormat
    {
        private readonly object[] _parts;

        private CompiledFormat(object[] parts) => _parts = parts;

        public static CompiledFormat[] Choices(string locale, string category, string[] formats, int depth) =>
            formats.Select(f => Compile(locale, category, f, depth)).ToArray();

        public void Append(StringBuilder builder, ref DeterministicRandom random)
        {
            foreach (var part in _parts)
            {
                if (part is string literal)
                {
                    builder.Append(literal);
                }
                else
                {
                    var choices = (CompiledFormat[])part;
                    choices[random.NextIndex(choices.Length)].Append(builder, ref random);
                }
            }
        }

        private static CompiledFormat Compile(string locale, string category, string format, int depth)
        {
            var parts = new List<object>();
            var last = 0;
            int start;
            while (depth < 4 && (start = format.IndexOf("#{", last, StringComparison.Ordinal)) >= 0)
            {
                var end = format.IndexOf('}', start);
                if (end < 0)
                {
                    break;
                }

                if (start > last)
                {
                    parts.Add(format[last..start]);
                }

                var (cat, key) = Tokens(category, format[start..(end + 1)]).First();
                var values = (cat == "name" ? Gendered(locale, key) : Load(locale, cat, key)) ?? [string.Empty];
                parts.Add(Choices(locale, cat, values, depth + 1));
                last = end + 1;
            }

            if (last < format.Length)
            {
                parts.Add(format[last..]);
            }

            return new CompiledFormat([.. parts]);
        }
    }

    private sealed class NativeGenerator(Native native) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.String;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope) => native(ref random, scope);
    }
}
