using System.Text.Json.Nodes;

namespace DataGen;

// The sections of the behaviour over time: journeys, events, duplicates and the simulation.
public static partial class ManifestSchema
{
    /// <summary>The <c>journeys:</c> section: per journey, steps creating or updating documents.</summary>
    private static JsonObject JourneysSchema()
    {
        var values = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") } };
        var properties = new JsonObject
        {
            ["document"] = new JsonObject { ["description"] = "A new document: a registered type (starfleet_account…) or any name (an empty document).", ["type"] = "string" },
            ["update"] = new JsonObject { ["description"] = "A document created by an earlier step (its 'as' name).", ["type"] = "string" },
            ["as"] = new JsonObject { ["type"] = "string" },
            ["after"] = new JsonObject { ["description"] = "A delay or [min, max] such as [1m, 1d].", ["type"] = new JsonArray("string", "array") },
            ["from"] = new JsonObject { ["description"] = "latest, or the number of an earlier step the delay counts from.", ["type"] = new JsonArray("string", "integer") },
            ["repeat"] = new JsonObject { ["description"] = "A count or [min, max].", ["type"] = new JsonArray("integer", "array") },
            ["set"] = values.DeepClone(),
            ["append"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = values.DeepClone() },
        };
        System.Diagnostics.Debug.Assert(properties.Select(p => p.Key).SequenceEqual(Journeys.JourneyReader.StepKeys), "schema and reader keys");
        return new JsonObject
        {
            ["description"] = "Journeys: ordered document steps with delays; run with 'datagen journey --manifest'.",
            ["type"] = "object",
            ["additionalProperties"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("steps"),
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject { ["steps"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties } } },
            },
        };
    }

    /// <summary>The <c>events:</c> section (event flows over a pool of profiles).</summary>
    private static JsonObject EventsSchema()
    {
        var step = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["event"] = new JsonObject { ["type"] = "string" },
                ["events"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                ["after"] = new JsonObject { ["description"] = "A delay or [min, max] such as [1m, 1h].", ["type"] = new JsonArray("string", "array") },
                ["limit"] = new JsonObject { ["description"] = "Times a profile does the step (0: until the run ends).", ["type"] = "integer", ["minimum"] = 0 },
                ["set"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number") } },
                ["branch"] = new JsonObject { ["description"] = "flow: weight", ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "number" } },
                ["fork"] = new JsonObject { ["description"] = "Fan-out: every flow named continues at once (also written \">> [a, b]\").", ["type"] = new JsonArray("string", "array"), ["items"] = new JsonObject { ["type"] = "string" } },
            },
        };
        var zone = new JsonObject { ["description"] = "An IANA time zone (Europe/Paris), or zones by weight { Europe/Paris: 3, UTC: 1 }.", ["type"] = new JsonArray("string", "object") };
        var properties = new JsonObject
        {
            ["profiles"] = new JsonObject { ["description"] = "How many profiles, or a profile file (NDJSON).", ["type"] = new JsonArray("integer", "string") },
            ["start"] = new JsonObject { ["type"] = "string" },
            ["end"] = new JsonObject { ["type"] = "string" },
            ["state"] = new JsonObject { ["description"] = "Every profile's initial state.", ["type"] = "object" },
            ["types"] = new JsonObject
            {
                ["description"] = "Event types: field: template | dataset.method | =expression | constant.",
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean", "null") } },
            },
            ["flows"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["weight"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 },
                        ["steps"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["anyOf"] = new JsonArray(step, new JsonObject { ["type"] = "string", ["pattern"] = "^\\s*>>" }) } },
                        ["parallel"] = new JsonObject { ["description"] = "Every profile runs this flow alongside the one it starts with by weight.", ["type"] = "boolean" },
                        ["timeZone"] = new JsonObject { ["description"] = "The IANA time zone of this flow's events (instead of the profile's).", ["type"] = "string" },
                    },
                },
            },
            ["store"] = new JsonObject { ["description"] = "The datastore events go to (datagen events writes there).", ["type"] = "string" },
            ["target"] = new JsonObject { ["description"] = "The table or topic in the store (default events).", ["type"] = "string" },
            ["timeZone"] = zone,
            ["eventId"] = new JsonObject { ["description"] = "true (a field event_id) or a field name: a UUID per event, deterministic per seed.", ["type"] = new JsonArray("boolean", "string") },
        };
        System.Diagnostics.Debug.Assert(properties.Select(p => p.Key).SequenceEqual(Events.EventsReader.Keys), "schema and reader keys");
        return new JsonObject { ["description"] = "Event flows over generated profiles; run with 'datagen events'.", ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
    }

    /// <summary>A model's <c>duplicates:</c>: fuzzed copies of earlier rows with ground truth.</summary>
    private static JsonObject DuplicatesSchema()
    {
        var percent = new JsonObject { ["type"] = new JsonArray("number", "string") };
        var properties = new JsonObject
        {
            ["rate"] = percent.DeepClone(),
            ["variance"] = percent.DeepClone(),
            ["fields"] = new JsonObject
            {
                ["description"] = "field: [fuzz operators]",
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["enum"] = Array(Manifests.DuplicateSpec.Ops.Keys) } },
            },
            ["swap"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["minItems"] = 2, ["maxItems"] = 2 },
            ["edits"] = new JsonObject { ["description"] = "Fuzz edits per duplicate: 2 or 1-3 (default 1-2).", ["type"] = new JsonArray("integer", "string") },
            ["truth"] = new JsonObject { ["description"] = "The ground-truth column (default cluster_id).", ["type"] = "string" },
            ["hidden"] = new JsonObject { ["description"] = "Write the ground truth to <model>_truth instead of a column.", ["type"] = "boolean" },
            ["archived"] = new JsonObject { ["description"] = "% of rows that are fuzzed copies of rows in the model's archive (earlier runs); their ground truth is the archived row's cluster.", ["type"] = new JsonArray("number", "string") },
        };
        System.Diagnostics.Debug.Assert(properties.Select(p => p.Key).SequenceEqual(Manifests.DuplicateSpec.Keys), "schema and reader keys");
        return new JsonObject
        {
            ["description"] = "Rows that are fuzzed copies of earlier rows; every row carries the key of the original it came from.",
            ["type"] = "object",
            ["anyOf"] = new JsonArray(new JsonObject { ["required"] = new JsonArray("rate") }, new JsonObject { ["required"] = new JsonArray("archived") }),
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
    }

    /// <summary>The <c>simulation:</c> section (a state machine over a model's rows).</summary>
    private static JsonObject SimulationSchema()
    {
        static JsonObject Text(string description) => new() { ["description"] = description, ["type"] = "string" };
        static JsonObject Names(string description) => new() { ["description"] = description, ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } };
        var expressions = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number") } };
        var transition = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("trigger", "from", "to", "probability"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["trigger"] = Text("The trigger's name (what events carry)."),
                ["from"] = Text("The state it leaves."),
                ["to"] = Text("The state it enters."),
                ["probability"] = new JsonObject { ["description"] = "Percent per tick with its unit: \"0.5%\" (a bare number is an error: 0.01 could mean 1 % or 0.01 %).", ["type"] = "string", ["pattern"] = "^\\s*[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*%\\s*$" },
                ["hourly"] = new JsonObject { ["description"] = "24 factors by UTC hour.", ["type"] = "array", ["minItems"] = 24, ["maxItems"] = 24, ["items"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 } },
                ["let"] = expressions.DeepClone(),
                ["require"] = Text("An expression; false vetoes the transition."),
                ["set"] = expressions.DeepClone(),
                ["outputs"] = Names("Event streams the events go to."),
            },
        };
        var properties = new JsonObject
        {
            ["name"] = Text("The simulation's name."),
            ["subjects"] = Text("The model whose rows are the subjects."),
            ["states"] = Names("The states."),
            ["initial"] = Text("The state subjects start in (default: the first)."),
            ["tick"] = Text("Tick length: 30s, 1m, 1h, 1d or 00:01:00."),
            ["ticks"] = new JsonObject { ["description"] = "How many ticks.", ["type"] = "integer", ["minimum"] = 1 },
            ["start"] = Text("When tick 0 happens (default: referenceDate)."),
            ["end"] = Text("Instead of ticks: when the run ends."),
            ["emit"] = Names("Attributes and let values every event carries."),
            ["streams"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject
                {
                    ["type"] = new JsonArray("object", "null"),
                    ["properties"] = new JsonObject
                    {
                        ["store"] = Text("A datastore."),
                        ["target"] = Text("Table, collection or topic."),
                        ["key"] = Text("The field that keys messages (Kafka): a field of value, or an event field."),
                        ["value"] = new JsonObject { ["description"] = "The row's shape: name: event field (at, subject, trigger, from, to, an emitted value), or name: { … } for a nested object.", ["type"] = "object" },
                    },
                    ["additionalProperties"] = false,
                },
            },
            ["transitions"] = new JsonObject { ["type"] = "array", ["items"] = transition },
        };
        System.Diagnostics.Debug.Assert(properties.Select(p => p.Key).SequenceEqual(Simulations.SimulationReader.Keys), "schema and reader keys");
        return new JsonObject
        {
            ["description"] = "A probabilistic state machine over a model's rows; run with 'datagen simulate'.",
            ["type"] = "object",
            ["required"] = new JsonArray("subjects", "states", "transitions"),
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
    }
}
