using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AvroSchema = Avro.Schema;

namespace DataGen.Kafka.Avro;

// The REST API: schemas by id, subjects and versions, registration, lookup, deletion, compatibility and its levels
public sealed partial class EmbeddedSchemaRegistry
{
    /// <summary>Routes one request (exposed to the tests through the HTTP interface only).</summary>
    private (int, JsonNode?) Handle(string method, string target, string body)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var query = question < 0 ? string.Empty : target[(question + 1)..];
        var segments = (question < 0 ? target : target[..question]).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        bool Flag(string name) => query.Split('&').Any(p => p.Equals($"{name}=true", StringComparison.OrdinalIgnoreCase));

        lock (_gate)
        {
            return (method, segments) switch
            {
                ("GET", []) => Ok(new JsonObject()),
                ("GET", ["schemas", "types"]) => Ok(new JsonArray("AVRO", "JSON", "PROTOBUF")),
                ("GET", ["schemas", "ids", var id]) => SchemaById(id, raw: false),
                ("GET", ["schemas", "ids", var id, "schema"]) => SchemaById(id, raw: true),
                ("GET", ["schemas", "ids", var id, "versions"]) => VersionsOfId(id),
                ("GET", ["schemas", "ids", var id, "subjects"]) => SubjectsOfId(id),
                ("GET", ["subjects"]) => Ok(new JsonArray(_subjects.Where(s => s.Value.Any(v => !v.Deleted || Flag("deleted"))).Select(s => (JsonNode)s.Key).ToArray())),
                ("GET", ["subjects", var subject, "versions"]) => Versions(subject),
                ("GET", ["subjects", var subject, "versions", var version]) => VersionOf(subject, version, raw: false),
                ("GET", ["subjects", var subject, "versions", var version, "schema"]) => VersionOf(subject, version, raw: true),
                ("POST", ["subjects", var subject, "versions"]) => Register(subject, body),
                ("POST", ["subjects", var subject]) => Lookup(subject, body),
                ("DELETE", ["subjects", var subject]) => DeleteSubject(subject),
                ("DELETE", ["subjects", var subject, "versions", var version]) => DeleteVersion(subject, version),
                ("POST", ["compatibility", "subjects", var subject, "versions", var version]) => Compatibility(subject, version, body, Flag("verbose")),
                ("POST", ["compatibility", "subjects", var subject, "versions"]) => Compatibility(subject, null, body, Flag("verbose")),
                ("GET", ["config"]) => Ok(new JsonObject { ["compatibilityLevel"] = _level }),
                ("PUT", ["config"]) => SetLevel(null, body),
                ("GET", ["config", var subject]) => _subjectLevels.TryGetValue(subject, out var level) || (Flag("defaultToGlobal") && (level = _level) is not null)
                    ? Ok(new JsonObject { ["compatibilityLevel"] = level })
                    : Error(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured"),
                ("PUT", ["config", var subject]) => SetLevel(subject, body),
                ("DELETE", ["config", var subject]) => _subjectLevels.Remove(subject, out var removed)
                    ? Ok(new JsonObject { ["compatibilityLevel"] = removed })
                    : Error(404, 40401, $"Subject '{subject}' not found."),
                ("GET", ["mode"]) => Ok(new JsonObject { ["mode"] = "READWRITE" }),
                _ => Error(404, 404, $"the embedded schema registry does not serve {method} {target}"),
            };
        }
    }

    private (int, JsonNode?) SchemaById(string id, bool raw)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > _schemas.Count)
        {
            return Error(404, 40403, "Schema not found");
        }

        var stored = _schemas[n - 1];
        if (raw)
        {
            return Ok(JsonNode.Parse(stored.Text));
        }

        var result = new JsonObject { ["schema"] = stored.Text };
        if (stored.Type != "AVRO")
        {
            result["schemaType"] = stored.Type;
        }

        return Ok(result);
    }

    private (int, JsonNode?) VersionsOfId(string id) =>
        Ok(new JsonArray(_subjects.SelectMany(s => s.Value.Where(v => !v.Deleted && v.Id.ToString(CultureInfo.InvariantCulture) == id)
            .Select(v => (JsonNode)new JsonObject { ["subject"] = s.Key, ["version"] = v.Number })).ToArray()));

    private (int, JsonNode?) SubjectsOfId(string id) =>
        Ok(new JsonArray(_subjects.Where(s => s.Value.Any(v => !v.Deleted && v.Id.ToString(CultureInfo.InvariantCulture) == id)).Select(s => (JsonNode)s.Key).ToArray()));

    private List<Version>? Live(string subject) =>
        _subjects.TryGetValue(subject, out var versions) && versions.Any(v => !v.Deleted) ? versions : null;

    private (int, JsonNode?) Versions(string subject) =>
        Live(subject) is { } versions
            ? Ok(new JsonArray(versions.Where(v => !v.Deleted).Select(v => (JsonNode)v.Number).ToArray()))
            : Error(404, 40401, $"Subject '{subject}' not found.");

    private (int, JsonNode?) VersionOf(string subject, string version, bool raw)
    {
        if (Live(subject) is not { } versions)
        {
            return Error(404, 40401, $"Subject '{subject}' not found.");
        }

        if (Find(versions, version) is not { } found)
        {
            return Error(404, 40402, $"Version {version} not found.");
        }

        return raw ? Ok(JsonNode.Parse(_schemas[found.Id - 1].Text)) : Ok(Describe(subject, found));
    }

    private static Version? Find(List<Version> versions, string version) =>
        version is "latest" or "-1"
            ? versions.LastOrDefault(v => !v.Deleted)
            : int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? versions.FirstOrDefault(v => !v.Deleted && v.Number == n) : null;

    private JsonObject Describe(string subject, Version version)
    {
        var stored = _schemas[version.Id - 1];
        var result = new JsonObject { ["subject"] = subject, ["version"] = version.Number, ["id"] = version.Id, ["schema"] = stored.Text };
        if (stored.Type != "AVRO")
        {
            result["schemaType"] = stored.Type;
        }

        return result;
    }

    /// <summary>The schema of a request body, parsed (Avro) and in its stored form; or the error to return.</summary>
    private static (Candidate? Schema, (int, JsonNode?) Error) Read(string body)
    {
        var request = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("the body must be a JSON object");
        var text = request["schema"]?.GetValue<string>() ?? throw new FormatException("the body has no 'schema'");
        var type = request["schemaType"]?.GetValue<string>()?.ToUpperInvariant() ?? "AVRO";
        if (request["references"] is JsonArray { Count: > 0 })
        {
            return (null, Error(422, 42201, "Invalid schema: the embedded schema registry does not resolve schema references"));
        }

        if (type != "AVRO")
        {
            return type is "JSON" or "PROTOBUF" ? (new Candidate(text, type, null), default) : (null, Error(422, 42201, $"Invalid schema type {type}"));
        }

        try
        {
            var parsed = AvroSchema.Parse(text);
            // Stored as the registry prints a parsed schema: primitives as their name, anything else as Avro JSON.
            return (new Candidate(parsed is global::Avro.PrimitiveSchema p ? $"\"{p.Name}\"" : parsed.ToString(), type, parsed), default);
        }
        catch (Exception e) when (e is global::Avro.AvroException or Newtonsoft.Json.JsonException)
        {
            return (null, Error(422, 42201, $"Invalid schema {text}: {e.Message}"));
        }
    }

    private (int, JsonNode?) Register(string subject, string body)
    {
        var (candidate, error) = Read(body);
        if (candidate is null)
        {
            return error;
        }

        var versions = _subjects.TryGetValue(subject, out var existing) ? existing : _subjects[subject] = [];
        if (versions.FirstOrDefault(v => !v.Deleted && _schemas[v.Id - 1].Matches(candidate)) is { } same)
        {
            return Ok(new JsonObject { ["id"] = same.Id });
        }

        var problems = Problems(subject, versions, candidate, null);
        if (problems.Count > 0)
        {
            return Error(409, 409, $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join("; ", problems)}]");
        }

        var id = _schemas.FindIndex(s => s.Matches(candidate)) + 1;
        if (id == 0)
        {
            _schemas.Add(new Stored(candidate.Text, candidate.Type, candidate.Parsed));
            id = _schemas.Count;
        }

        versions.Add(new Version(versions.Count == 0 ? 1 : versions.Max(v => v.Number) + 1, id));
        return Ok(new JsonObject { ["id"] = id });
    }

    private (int, JsonNode?) Lookup(string subject, string body)
    {
        var (candidate, error) = Read(body);
        if (candidate is null)
        {
            return error;
        }

        if (Live(subject) is not { } versions)
        {
            return Error(404, 40401, $"Subject '{subject}' not found.");
        }

        return versions.FirstOrDefault(v => !v.Deleted && _schemas[v.Id - 1].Matches(candidate)) is { } found
            ? Ok(Describe(subject, found))
            : Error(404, 40403, "Schema not found");
    }

    private (int, JsonNode?) DeleteSubject(string subject)
    {
        if (Live(subject) is not { } versions)
        {
            return Error(404, 40401, $"Subject '{subject}' not found.");
        }

        var deleted = versions.Where(v => !v.Deleted).Select(v => v.Number).ToArray();
        _subjects[subject] = versions.Select(v => v with { Deleted = true }).ToList();
        return Ok(new JsonArray(deleted.Select(n => (JsonNode)n).ToArray()));
    }

    private (int, JsonNode?) DeleteVersion(string subject, string version)
    {
        if (Live(subject) is not { } versions)
        {
            return Error(404, 40401, $"Subject '{subject}' not found.");
        }

        if (Find(versions, version) is not { } found)
        {
            return Error(404, 40402, $"Version {version} not found.");
        }

        versions[versions.IndexOf(found)] = found with { Deleted = true };
        return Ok(found.Number);
    }

    private (int, JsonNode?) Compatibility(string subject, string? version, string body, bool verbose)
    {
        var (candidate, error) = Read(body);
        if (candidate is null)
        {
            return error;
        }

        var versions = Live(subject) ?? [];
        if (version is not null && versions.Count > 0 && Find(versions, version) is null)
        {
            return Error(404, 40402, $"Version {version} not found.");
        }

        var problems = Problems(subject, versions, candidate, version);
        var result = new JsonObject { ["is_compatible"] = problems.Count == 0 };
        if (verbose)
        {
            result["messages"] = new JsonArray(problems.Select(p => (JsonNode)p).ToArray());
        }

        return Ok(result);
    }

    /// <summary>
    /// Why a candidate breaks the subject's compatibility level against its live versions: the latest (or the one
    /// asked about) for BACKWARD, FORWARD and FULL; every version for the _TRANSITIVE levels.
    /// </summary>
    private List<string> Problems(string subject, List<Version> versions, Candidate candidate, string? version)
    {
        var level = _subjectLevels.GetValueOrDefault(subject, _level);
        var live = versions.Where(v => !v.Deleted).ToList();
        if (level == "NONE" || live.Count == 0)
        {
            return [];
        }

        var against = version is not null ? [Find(versions, version)!] : level.EndsWith("_TRANSITIVE", StringComparison.Ordinal) ? live : [live[^1]];
        var problems = new List<string>();
        foreach (var earlier in against)
        {
            var stored = _schemas[earlier.Id - 1];
            if (stored.Parsed is null || candidate.Parsed is null)
            {
                if (stored.Text != candidate.Text)
                {
                    problems.Add($"version {earlier.Number}: the embedded schema registry checks the compatibility of Avro schemas only; set the subject's compatibility to NONE to register a changed {candidate.Type} schema");
                }

                continue;
            }

            if (level.StartsWith("BACKWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal))
            {
                problems.AddRange(AvroCompatibility.ReaderProblems(candidate.Parsed, stored.Parsed).Select(p => $"{{oldVersion: {earlier.Number}, READER_CANNOT_READ_WRITER: {p}}}"));
            }

            if (level.StartsWith("FORWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal))
            {
                problems.AddRange(AvroCompatibility.ReaderProblems(stored.Parsed, candidate.Parsed).Select(p => $"{{oldVersion: {earlier.Number}, WRITER_CANNOT_BE_READ: {p}}}"));
            }
        }

        return problems;
    }

    private (int, JsonNode?) SetLevel(string? subject, string body)
    {
        var level = (JsonNode.Parse(body)?["compatibility"]?.GetValue<string>() ?? throw new FormatException("the body has no 'compatibility'")).ToUpperInvariant();
        if (!Levels.Contains(level))
        {
            return Error(422, 42203, $"Invalid compatibility level {level}; one of {string.Join(", ", Levels)}");
        }

        if (subject is null)
        {
            _level = level;
        }
        else
        {
            _subjectLevels[subject] = level;
        }

        return Ok(new JsonObject { ["compatibility"] = level });
    }

    private sealed record Candidate(string Text, string Type, AvroSchema? Parsed);

    private sealed record Stored(string Text, string Type, AvroSchema? Parsed)
    {
        public bool Matches(Candidate candidate) => Type == candidate.Type && Text == candidate.Text;
    }

    private sealed record Version(int Number, int Id, bool Deleted = false);
}
