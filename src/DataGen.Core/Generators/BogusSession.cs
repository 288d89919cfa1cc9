using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// Bogus data set instances bound to one reseedable randomizer, owned by one generating thread.
/// Before each value the randomizer is reseeded from the (row, field) stream, so Bogus output is
/// deterministic per value and never touches Bogus's process-wide <c>Randomizer.Seed</c>.
/// </summary>
internal sealed class BogusSession
{
    private readonly Dictionary<Type, object> _dataSets = [];
    private readonly string _locale;
    private Bogus.Faker? _faker;

    public BogusSession(string locale)
    {
        _locale = locale;
        Source = new StreamRandom();
        Randomizer = new SeededRandomizer(Source);
    }

    public StreamRandom Source { get; }

    public Bogus.Randomizer Randomizer { get; }

    /// <summary>A Faker over the same reseedable randomizer, for C# document schemas.</summary>
    public Bogus.Faker Faker => _faker ??= new Bogus.Faker(_locale) { Random = Randomizer };

    public object DataSet(Type type)
    {
        if (type == typeof(Bogus.Randomizer))
        {
            return Randomizer;
        }

        if (!_dataSets.TryGetValue(type, out var dataSet))
        {
            dataSet = type.GetConstructor([typeof(string)]) is { } withLocale
                ? withLocale.Invoke([_locale])
                : Activator.CreateInstance(type)!;
            if (dataSet is Bogus.DataSet ds)
            {
                ds.Random = Randomizer;
            }

            _dataSets[type] = dataSet;
        }

        return dataSet;
    }

    /// <summary>A <see cref="Random"/> whose every draw comes from a <see cref="DeterministicRandom"/> stream set per value.</summary>
    internal sealed class StreamRandom : Random
    {
        private DeterministicRandom _stream = new(0);

        public void Reset(DeterministicRandom stream) => _stream = stream;

        public override int Next() => (int)_stream.NextBelow(int.MaxValue);

        public override int Next(int maxValue) => maxValue <= 0 ? 0 : (int)_stream.NextBelow((ulong)maxValue);

        public override int Next(int minValue, int maxValue) =>
            maxValue <= minValue ? minValue : (int)(minValue + (long)_stream.NextBelow((ulong)((long)maxValue - minValue)));

        public override long NextInt64() => (long)_stream.NextBelow(long.MaxValue);

        public override long NextInt64(long maxValue) => maxValue <= 0 ? 0 : (long)_stream.NextBelow((ulong)maxValue);

        public override long NextInt64(long minValue, long maxValue) =>
            maxValue <= minValue ? minValue : unchecked(minValue + (long)_stream.NextBelow((ulong)(maxValue - minValue)));

        public override double NextDouble() => _stream.NextDouble();

        public override float NextSingle() => (float)(_stream.NextUInt64() >> 40) * (1.0f / (1 << 24));

        public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

        public override void NextBytes(Span<byte> buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)_stream.NextUInt64();
            }
        }

        protected override double Sample() => _stream.NextDouble();
    }

    private sealed class SeededRandomizer : Bogus.Randomizer
    {
        public SeededRandomizer(Random source) => localSeed = source;
    }
}
