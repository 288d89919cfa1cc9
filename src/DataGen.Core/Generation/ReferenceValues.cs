namespace DataGen.Generation;

/// <summary>
/// The values of one reference column for one run: what later models' refs and lookups read. Stored as compactly as
/// the field allows: nothing at all for a field whose value is a function of its row (sequences, UUIDs: recomputed on
/// read, with the rare rows that differ — tracers, duplicates, retries — kept aside), 4 or 8 bytes a row for integers,
/// 16 for UUIDs, a reference a row for anything else. Values arrive in row order (<see cref="Set"/>), are read after.
/// </summary>
internal abstract class ReferenceValues
{
    protected ReferenceValues(long count) => Count = count;

    /// <summary>Rows in the column.</summary>
    public long Count { get; }

    /// <summary>The value of <paramref name="row"/>, exactly as generated (same type, same value).</summary>
    public abstract object? this[long row] { get; }

    /// <summary>Bytes a row the column needs at most for a field of this shape (what the memory check counts).</summary>
    public static long BytesPerRow(CompiledField field) => field.Generator.PositionOnly
        ? 0
        : field.Generator.Kind switch
        {
            ValueKind.Integer => sizeof(long),
            ValueKind.Uuid => 16,
            _ => 8 + 32, // the reference plus the value it keeps alive (a short string)
        };

    /// <summary>How many rows a column of this shape may hold (computed columns have no array to fill).</summary>
    public static long MaxRows(CompiledField field) => field.Generator.PositionOnly ? long.MaxValue : Array.MaxLength;

    /// <summary>An empty column for <paramref name="count"/> rows of <paramref name="field"/> (a top-level field).</summary>
    public static ReferenceValues Create(CompiledField field, long count) =>
        field.Generator.PositionOnly ? new Computed(field, count)
        : field.Generator.Kind == ValueKind.Integer ? new Integers(count)
        : field.Generator.Kind == ValueKind.Uuid ? new Typed<Guid>(count)
        : new Objects(count);

    /// <summary>Records the value of <paramref name="row"/>; rows arrive in order, once each.</summary>
    public abstract void Set(long row, object? value);

    /// <summary>A column with no rows.</summary>
    public static ReferenceValues Empty { get; } = new Objects(0);

    /// <summary>Values recomputed from the row (the field's own stream at attempt 0); the rows that differ kept aside.</summary>
    private sealed class Computed(CompiledField field, long count) : ReferenceValues(count)
    {
        private readonly Dictionary<long, object?> _different = [];

        public override object? this[long row] =>
            _different.Count > 0 && _different.TryGetValue(row, out var value) ? value : field.ValueAt(row);

        public override void Set(long row, object? value)
        {
            if (!Equals(value, field.ValueAt(row)))
            {
                _different[row] = value;
            }
        }
    }

    /// <summary>Integers as <c>int</c> while they fit, widened to <c>long</c> when one doesn't.</summary>
    private sealed class Integers(long count) : Exceptions(count)
    {
        private int[]? _narrow = new int[count];
        private long[]? _wide;

        public override object? this[long row] =>
            IsException(row) ? ExceptionAt(row) : _narrow is { } narrow ? (long)narrow[row] : _wide![row];

        public override void Set(long row, object? value)
        {
            if (value is not long v)
            {
                SetException(row, value);
                return;
            }

            if (_narrow is { } narrow)
            {
                if (v is >= int.MinValue and <= int.MaxValue)
                {
                    narrow[row] = (int)v;
                    return;
                }

                _wide = new long[Count];
                for (long i = 0; i < row; i++)
                {
                    _wide[i] = narrow[i];
                }

                _narrow = null;
            }

            _wide![row] = v;
        }
    }

    /// <summary>Unboxed values of one type.</summary>
    private sealed class Typed<T>(long count) : Exceptions(count)
        where T : struct
    {
        private readonly T[] _values = new T[count];

        public override object? this[long row] => IsException(row) ? ExceptionAt(row) : _values[row];

        public override void Set(long row, object? value)
        {
            if (value is T v)
            {
                _values[row] = v;
            }
            else
            {
                SetException(row, value);
            }
        }
    }

    /// <summary>Values of any type, one reference a row.</summary>
    private sealed class Objects(long count) : ReferenceValues(count)
    {
        private readonly object?[] _values = new object?[count];

        public override object? this[long row] => _values[row];

        public override void Set(long row, object? value) => _values[row] = value;
    }

    /// <summary>Typed storage whose rare rows of another type (nulls, tracer values) are marked in a bitmap and kept aside.</summary>
    private abstract class Exceptions(long count) : ReferenceValues(count)
    {
        private ulong[]? _marked;
        private Dictionary<long, object?>? _values;

        protected bool IsException(long row) => _marked is { } marked && (marked[row >> 6] & (1UL << (int)(row & 63))) != 0;

        protected object? ExceptionAt(long row) => _values![row];

        protected void SetException(long row, object? value)
        {
            _marked ??= new ulong[(Count + 63) >> 6];
            _values ??= [];
            _marked[row >> 6] |= 1UL << (int)(row & 63);
            _values[row] = value;
        }
    }
}
