using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DataGen.Outputs;

namespace DataGen.Events;

/// <summary>A generated person that events are about.</summary>
public sealed class Profile
{
    internal Profile(int index, IReadOnlyDictionary<string, object?> values)
    {
        Index = index;
        Values = values;
    }

    /// <summary>The profile's position in its pool.</summary>
    public int Index { get; }

    /// <summary>Every field: id, uuid, username, first_name, last_name, birthdate, email, employer, job, home_address, work_address, home_phone, mobile_phone, licence, plate.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>The profile's id.</summary>
    public object Id => Values.TryGetValue("id", out var id) && id is not null ? id : (long)Index;

    /// <summary>A field, or a nested one by dotted path (<c>home_address.city</c>); null when absent.</summary>
    public object? this[string path]
    {
        get
        {
            object? value = Values;
            foreach (var part in path.Split('.'))
            {
                value = value switch
                {
                    IReadOnlyDictionary<string, object?> d => d.TryGetValue(part, out var v) ? v : null,
                    _ => null,
                };
            }

            return value;
        }
    }
}

/// <summary>
/// A pool of generated people. <see cref="GenerateAsync"/> makes the same pool for the same (count, seed, locale);
/// <see cref="SaveAsync"/> and <see cref="LoadAsync"/> keep a pool in an NDJSON file so separate runs share it.
/// </summary>
public sealed class ProfilePool : IReadOnlyList<Profile>
{
    private const string Manifest = """
        seed: 1
        referenceDate: 2025-01-01
        models:
          profiles:
            count: 1
            key: id
            fields:
              id: { type: sequence, start: 1 }
              uuid: uuid
              first_name: name.firstName
              last_name: name.lastName
              username: { type: internet.userName, args: ["{{first_name}}", "{{last_name}}"] }
              email: { type: internet.email, args: ["{{first_name}}", "{{last_name}}"] }
              birthdate: { type: date, min: -80y, max: -18y }
              employer: company.companyName
              job: name.jobTitle
              home_address: { type: object, fields: { street: address.streetAddress, city: address.city, zip: address.zipCode, state: address.stateAbbr } }
              work_address: { type: object, fields: { street: address.streetAddress, city: address.city, zip: address.zipCode, state: address.stateAbbr } }
              home_phone: { type: mask, mask: "(###) ###-####" }
              mobile_phone: { type: mask, mask: "(###) ###-####" }
              licence: { type: mask, mask: "@########" }
              plate: { type: mask, mask: "@@@-####" }
        """;

    private readonly IReadOnlyList<Profile> _profiles;

    private ProfilePool(IReadOnlyList<Profile> profiles) => _profiles = profiles;

    /// <inheritdoc />
    public int Count => _profiles.Count;

    /// <inheritdoc />
    public Profile this[int index] => _profiles[index];

    /// <summary>Generates <paramref name="count"/> people.</summary>
    public static async Task<ProfilePool> GenerateAsync(int count, ulong seed = 1, string locale = "en", CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var manifest = DataGen.Manifest.Parse(Manifest.Replace("seed: 1", $"seed: {seed}\nlocale: {locale}", StringComparison.Ordinal), "<profiles>", new ManifestOptions { Scale = Math.Max(count, 1) });
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output, null, cancellationToken).ConfigureAwait(false);
        return new ProfilePool(output.Records("profiles").Take(count).Select((r, i) => new Profile(i, r)).ToList());
    }

    /// <summary>Writes the pool as NDJSON (one profile per line).</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        foreach (var p in _profiles)
        {
            text.Append(ValueText.ToJson(p.Values)).Append('\n');
        }

        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text.ToString(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a pool written by <see cref="SaveAsync"/>.</summary>
    /// <exception cref="InvalidDataException">A line is not a JSON object.</exception>
    public static async Task<ProfilePool> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var profiles = new List<Profile>();
        var line = 0;
        foreach (var text in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            try
            {
                var values = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
                profiles.Add(new Profile(profiles.Count, (IReadOnlyDictionary<string, object?>)ValueText.FromJson(values)!));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}({line}): a profile must be a JSON object: {e.Message}", e);
            }
        }

        return new ProfilePool(profiles);
    }

    /// <inheritdoc />
    public IEnumerator<Profile> GetEnumerator() => _profiles.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
