using DataGen.Generation;
using DataGen.Manifests;
using DataGen.Randomness;
using YamlDotNet.RepresentationModel;

namespace DataGen.Generators;

/// <summary>The generators <c>ref</c> and <c>lookup</c> compile to: plain, existing, deferred, hierarchy and lookup.</summary>
internal static partial class ReferenceGenerators
{

    /// <summary>
    /// The rows an <c>existing: true</c> ref also draws from: the referenced column's values before the run, with the
    /// columns lookups through the ref copy, read together once from the store (rows where the referenced column is not
    /// null, in its order) and kept by the plan compiled for that starting data. One per referenced column
    /// (<see cref="ManifestCompiler.Existing"/>); columns are added while the manifest compiles, rows read on first use.
    /// </summary>
    internal sealed class ExistingRows(string model, string column, ManifestCompiler compiler)
    {
        private readonly List<string> _columns = [column];
        private IReadOnlyList<object?[]>? _rows;

        public string Model => model;

        public string Field => column;

        /// <summary>The columns read together: the referenced one first, then those lookups copy.</summary>
        public IReadOnlyList<string> Columns => _columns;

        /// <summary>The held rows, each value in <see cref="Columns"/> order.</summary>
        public IReadOnlyList<object?[]> Rows => LazyInitializer.EnsureInitialized(ref _rows, () => compiler.ExistingTuples(model, _columns));

        /// <summary>Reads <paramref name="field"/> with the referenced column too (a lookup copies it); returns its position in a row.</summary>
        public int Include(string field)
        {
            var at = _columns.IndexOf(field);
            if (at < 0)
            {
                at = _columns.Count;
                _columns.Add(field);
            }

            return at;
        }
    }

    /// <summary>The referenced-row mark for held row <paramref name="held"/> of an existing ref (this run's rows are 0 and up, none is −1).</summary>
    private static long HeldRowMark(long held) => -2 - held;

    internal sealed class RefGenerator(ReferenceColumn column, bool toParent, double? skew, int fieldIndex, ulong? shuffle) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Unknown;

        public override ReferenceColumn? Source => column;

        public override bool IsReference => true;

        /// <summary>For <c>existing: true</c>: the rows the referenced table held before the run, drawn from before this run's.</summary>
        public ExistingRows? Existing { get; init; }

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var values = scope.Row.Run.Values(column);
            if (Existing is { } existing && existing.Rows.Count > 0)
            {
                // Existing rows first, then this run's: one draw over both, so the same seed and starting data give the same refs.
                var held = existing.Rows;
                var pick = Pick(ref random, held.Count + values.Count, skew);
                if (pick < held.Count)
                {
                    if (fieldIndex >= 0)
                    {
                        scope.SetReferencedRow(fieldIndex, HeldRowMark(pick));
                    }

                    return held[(int)pick][0];
                }

                var own = pick - held.Count;
                if (fieldIndex >= 0)
                {
                    scope.SetReferencedRow(fieldIndex, own);
                }

                return values[own];
            }

            long row;
            if (toParent && scope.Row.ParentIndex >= 0)
            {
                row = scope.Row.ParentIndex;
            }
            else if (values.Count == 0)
            {
                return null;
            }
            else
            {
                row = PickRow(ref random, values.Count, skew, shuffle, scope.Parent is null ? scope.Row.Index : -1);
            }

            if (fieldIndex >= 0)
            {
                scope.SetReferencedRow(fieldIndex, row);
            }

            return values[row];
        }
    }

    /// <summary>A row of <paramref name="rows"/>: uniform, or skewed towards the first rows.</summary>
    private static long Pick(ref DeterministicRandom random, long rows, double? skew) => skew is { } s
        ? Math.Min(rows - 1, (long)(rows * DeterministicMath.Pow(random.NextDouble(), s)))
        : (long)random.NextBelow((ulong)rows);

    /// <summary>
    /// A ref in a reference cycle. Where the referenced model's key is computed from the row's position (a sequence or
    /// uuid) and its count is known before it is generated, the value is written with the row (<see cref="Inline"/>):
    /// the store holds the foreign key's checks until the run completes. Otherwise the row goes in with NULL and the value
    /// is chosen by <see cref="ValueAt"/> once every model is generated, from the field's own stream at the row, and set
    /// by an update.
    /// </summary>
    internal sealed class DeferredRefGenerator(ReferenceColumn column, double? skew, YamlNode at, ulong? shuffle) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.Unknown;

        public override ReferenceColumn? Source => column;

        public override bool IsReference => true;

        public override bool MayBeNull => !Inline;

        public YamlNode At { get; } = at;

        /// <summary>True when the value is written with the row (the referenced keys are known ahead; see the class).</summary>
        public bool Inline { get; private set; }

        /// <summary>Writes the value with the row: the run allocates the referenced column before any model is generated.</summary>
        public void BindInline() => Inline = true;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            if (!Inline)
            {
                return null;
            }

            var values = scope.Row.Run.Values(column);
            return values.Count == 0 ? null : values[PickRow(ref random, values.Count, skew, shuffle, scope.Row.Index)];
        }

        /// <summary>The value of <paramref name="field"/> (this generator's field) in <paramref name="row"/>, once the referenced model is generated.</summary>
        public object? ValueAt(CompiledField field, long row, GenerationRun run)
        {
            var random = field.StreamAt(row);
            if (field.NullRate > 0 && random.Chance(field.NullRate))
            {
                return null;
            }

            var values = run.Values(column);
            return values.Count == 0 ? null : values[Pick(ref random, values.Count, skew)];
        }
    }

    /// <summary>A reference to an earlier row of the same model: uniform over the rows before it, or none (a root).</summary>
    internal sealed class SelfRefGenerator(string field, double roots, int? maxDepth, YamlNode at) : FieldGenerator
    {
        private int _fieldIndex = -1;
        private int _modelIndex = -1;
        private ValueKind _kind = ValueKind.Unknown;

        public override ValueKind Kind => _kind;

        public override bool MayBeNull => roots > 0 || maxDepth is not null;

        public string Field { get; } = field;

        public YamlNode At { get; } = at;

        /// <summary>Binds the generator to the referenced field's position among the model's fields (after compiling).</summary>
        public void Bind(int fieldIndex, ValueKind kind, int modelIndex)
        {
            _fieldIndex = fieldIndex;
            _kind = kind;
            _modelIndex = modelIndex;
        }

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            // A top-level field (checked when compiled): its scope is the row's.
            var row = scope.Row.Index;
            var target = scope.Shape.Fields[_fieldIndex];
            if (maxDepth is { } depth)
            {
                // Bands of rows in row order: band 0 are the roots, a row of band b has its parent in band b − 1.
                var rows = Math.Max(1, scope.Row.Run.GeneratedRows(_modelIndex));
                var band = (long)((System.Numerics.BigInteger)Math.Min(row, rows - 1) * depth / rows);
                if (band == 0)
                {
                    return null;
                }

                var first = BandStart(band - 1, depth, rows);
                var end = BandStart(band, depth, rows);
                if (end <= first)
                {
                    first = 0; // fewer rows than levels: any earlier row
                }

                return target.ValueAt(first + (long)random.NextBelow((ulong)(end - first)));
            }

            if (row == 0)
            {
                // The first row has no earlier row: a root, or itself where the column cannot be null.
                return roots > 0 ? null : target.ValueAt(0);
            }

            return random.Chance(roots) ? null : target.ValueAt((long)random.NextBelow((ulong)row));
        }
    }

    /// <summary>The first row of band <paramref name="band"/> of <paramref name="depth"/> over <paramref name="rows"/> rows.</summary>
    private static long BandStart(long band, int depth, long rows) =>
        (long)(((System.Numerics.BigInteger)band * rows + depth - 1) / depth);

    /// <summary>
    /// A field of the row a ref field points at; with hops, of the row reached by following refs from there: each hop
    /// reads the ref's value in the row reached so far and finds the row holding that key (null if a ref on the way is).
    /// </summary>
    private sealed class LookupGenerator(ReferenceColumn column, int up, int index, (ReferenceColumn Via, ReferenceColumn Key)[] hops) : FieldGenerator
    {
        /// <summary>Through an existing ref: its held rows and the position of this lookup's column in them.</summary>
        public (ExistingRows Rows, int Column)? Existing { get; init; }

        public override ValueKind Kind => ValueKind.Unknown;

        public override ReferenceColumn? Source => column;

        public override bool MayBeNull => hops.Length > 0;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var row = scope.Ancestor(up).ReferencedRow(index);
            if (row < -1 && Existing is { } existing)
            {
                return existing.Rows.Rows[(int)(HeldRowMark(row))][existing.Column];
            }

            var run = scope.Row.Run;
            foreach (var (via, key) in hops)
            {
                if (row < 0 || run.Values(via)[row] is not { } value)
                {
                    return null;
                }

                row = run.RowOf(key, value);
            }

            return row < 0 ? null : run.Values(column)[row];
        }
    }
}
