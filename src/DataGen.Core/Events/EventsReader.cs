using System.Globalization;
using DataGen.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DataGen.Events;

/// <summary>Reads the <c>events:</c> section, reporting every problem at its line and column.</summary>
internal sealed partial class EventsReader(ErrorSink errors, ManifestReader scalars, ulong seed, string locale, DateTime referenceDate)
{
    private const string Where = "events";
    internal static readonly string[] Keys = ["profiles", "start", "end", "state", "types", "flows", "store", "target", "timeZone", "eventId"];
    internal static readonly string[] StepKeys = ["event", "events", "after", "limit", "set", "branch", "fork"];
    internal static readonly string[] FlowKeys = ["weight", "steps", "parallel", "timeZone"];
    private static readonly string[] ProfileFields = ["id", "uuid", "first_name", "last_name", "username", "email", "birthdate", "employer", "job", "home_address", "work_address", "home_phone", "mobile_phone", "licence", "plate"];
    private static readonly string[] Builtins = ["flow", "occurrence", "at", "local_at", "time_zone"];

    public EventScenario? Read(YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(node, "'events' must be a mapping with profiles, types and flows", Where);
            return null;
        }

        scalars.CheckKeys(map, Keys, "events", Where);
        var before = errors.Errors.Count;
        var (profiles, file) = ReadProfiles(map);
        var (start, end) = ReadWindow(map);
        var state = ReadState(map);
        var flowMap = Get(map, "flows") as YamlMappingNode;
        var stateNames = StateNames(state, flowMap);
        var types = ReadTypes(map, stateNames);
        if (flowMap is null || flowMap.Children.Count == 0)
        {
            errors.Add(Get(map, "flows") ?? map, "'flows' must map flow names to { weight, steps } (at least one flow)", Where);
            return null;
        }

        var roots = ReadFlows(flowMap, types, stateNames);
        var (store, target) = ReadDestination(map);
        var zones = Get(map, "timeZone") is { } zoneNode ? ReadZones(zoneNode) : [];
        var eventId = Get(map, "eventId") is { } idNode ? ReadEventId(idNode) : null;
        return errors.Errors.Count > before
            ? null
            : new EventScenario(profiles, file, start, end, roots, state, seed, locale) { Store = store, Target = target, TimeZones = zones, EventIdField = eventId };
    }

    private (int Count, string? File) ReadProfiles(YamlMappingNode map)
    {
        if (Get(map, "profiles") is not { } p || scalars.Text(p, "a number of profiles or a profile file", Where) is not { } text)
        {
            return (100, null);
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return (n, null);
        }

        var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(errors.File)) ?? ".", text));
        if (!File.Exists(file))
        {
            errors.Add(p, $"profiles: '{text}' is neither a number nor an existing profile file ({file})", Where);
        }

        return (100, file);
    }

    private (DateTime Start, DateTime End) ReadWindow(YamlMappingNode map)
    {
        var start = Get(map, "start") is { } s ? scalars.Date(s, Where) ?? referenceDate : referenceDate;
        // A week by default, or up to the last date there is.
        var week = DateTime.MaxValue - start < TimeSpan.FromDays(7) ? DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc) : start.AddDays(7);
        var end = Get(map, "end") is { } e ? scalars.Date(e, Where) ?? week : week;
        if (end < start)
        {
            errors.Add(Get(map, "end")!, $"'end' ({end:O}) must not be before 'start' ({start:O})", Where);
        }

        return (start, end);
    }

    private Dictionary<string, object?> ReadState(YamlMappingNode map)
    {
        var state = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Get(map, "state") is YamlMappingNode stateMap)
        {
            foreach (var (k, v) in stateMap.Children)
            {
                state[scalars.Text(k, "a name", Where) ?? string.Empty] = v is YamlScalarNode sv && sv.Style == ScalarStyle.Plain ? Constant(sv.Value ?? string.Empty) : scalars.Text(v, "a value", Where);
            }
        }

        return state;
    }

    /// <summary>The state's names: those declared, and every name a step's <c>set</c> writes.</summary>
    private static HashSet<string> StateNames(Dictionary<string, object?> state, YamlMappingNode? flowMap)
    {
        var names = new HashSet<string>(state.Keys, StringComparer.Ordinal);
        foreach (var step in flowMap?.Children.Values.OfType<YamlMappingNode>().Select(f => Get(f, "steps")).OfType<YamlSequenceNode>().SelectMany(s => s.Children).OfType<YamlMappingNode>() ?? [])
        {
            if (Get(step, "set") is YamlMappingNode set)
            {
                names.UnionWith(set.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty));
            }
        }

        return names;
    }

    private Dictionary<string, EventType> ReadTypes(YamlMappingNode map, HashSet<string> stateNames)
    {
        var types = new Dictionary<string, EventType>(StringComparer.Ordinal);
        if (Get(map, "types") is not YamlMappingNode typeMap)
        {
            errors.Add(Get(map, "types") ?? map, "'types' must map event names to their fields", Where);
            return types;
        }

        foreach (var (k, v) in typeMap.Children)
        {
            var name = scalars.Text(k, "an event type name", Where) ?? string.Empty;
            if (string.IsNullOrWhiteSpace(name))
            {
                errors.Add(k, "an event type needs a name", Where);
            }
            else if (ReadType(name, v, stateNames) is { } type)
            {
                types[name] = type;
            }
        }

        return types;
    }

    /// <summary>The datastore (<c>store:</c>, declared under <c>datastores:</c>) and table or topic (<c>target:</c>) events go to.</summary>
    private (string? Store, string? Target) ReadDestination(YamlMappingNode map)
    {
        var store = Get(map, "store") is { } s ? scalars.Text(s, "a datastore name", Where) : null;
        if (store is not null && !scalars.Datastores.Any(d => d.Name == store))
        {
            errors.Add(Get(map, "store")!, $"events: unknown datastore '{store}'{Suggest.Hint(store, scalars.Datastores.Select(d => d.Name))}; datastores: {string.Join(", ", scalars.Datastores.Select(d => d.Name))}", Where);
        }

        var target = Get(map, "target") is { } t ? scalars.Text(t, "a table or topic name", Where) : null;
        if (target is { } && (store is null || string.IsNullOrWhiteSpace(target)))
        {
            errors.Add(Get(map, "target")!, store is null ? "events: 'target' needs 'store' (the datastore the table or topic is in)" : "events: 'target' must name a table or topic", Where);
        }

        return (store, target);
    }

    /// <summary><c>eventId: true</c> (a field <c>event_id</c>) or <c>eventId: name</c>; false or absent: none.</summary>
    private string? ReadEventId(YamlNode node)
    {
        var text = scalars.Text(node, "true or a field name", Where);
        if (text is null or "false")
        {
            return null;
        }

        if (text == "true")
        {
            return "event_id";
        }

        if (!ManifestReader.IsIdentifier(text) || EventFlowRun.Model.Fields.Any(f => f.Name == text) || text is "local_at" or "time_zone")
        {
            errors.Add(node, $"eventId: '{text}' must be true or a field name (letters, digits, underscores) other than at, profile, flow, event, data, local_at and time_zone", Where);
            return null;
        }

        return text;
    }

    /// <summary><c>timeZone: Europe/Paris</c>, or zones by weight: <c>{ Europe/Paris: 3, America/New_York: 1 }</c>.</summary>
    private List<(TimeZoneInfo Zone, double Weight)> ReadZones(YamlNode node)
    {
        var zones = new List<(TimeZoneInfo, double)>();
        if (node is YamlMappingNode weighted && weighted.Children.Count > 0)
        {
            foreach (var (k, v) in weighted.Children)
            {
                var weight = scalars.ReadNumber(v, "time zone weight", "a weight > 0", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? d : (double?)null, Where);
                if (Zone(k) is { } zone && weight is { } w)
                {
                    zones.Add((zone, w));
                }
            }
        }
        else if (Zone(node) is { } zone)
        {
            zones.Add((zone, 1));
        }

        return zones;
    }

    /// <summary>An IANA time zone id (<c>Europe/Paris</c>, <c>UTC</c>): the same zone rules on every system that has them.</summary>
    private TimeZoneInfo? Zone(YamlNode node)
    {
        if (scalars.Text(node, "an IANA time zone such as Europe/Paris", Where) is not { } id)
        {
            return null;
        }

        if (id.Length > 0 && id.Length < 100 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && (zone.HasIanaId || id == "UTC"))
        {
            return zone;
        }

        var iana = TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var converted) ? $"; its IANA id is '{converted}'" : string.Empty;
        var known = TimeZoneInfo.GetSystemTimeZones().Where(z => z.HasIanaId).Select(z => z.Id).Append("UTC");
        errors.Add(node, $"'{id}' is not an IANA time zone id (such as Europe/Paris, America/New_York or UTC){iana}{(iana.Length == 0 ? Suggest.Hint(id, known) : string.Empty)}", Where);
        return null;
    }

    private static YamlNode? Get(YamlMappingNode map, string key) => ManifestReader.Get(map, key);
}
