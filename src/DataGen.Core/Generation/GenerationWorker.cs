using DataGen.Generators;

namespace DataGen.Generation;

/// <summary>
/// State one generating thread owns and reuses across rows (Bogus data set instances bound to a
/// reseedable randomizer). Never shared between threads at the same time.
/// </summary>
internal sealed class GenerationWorker
{
    private readonly Dictionary<string, BogusSession> _bogus = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static GenerationWorker? _current;

    /// <summary>A worker owned by the calling thread (Bogus Fakers are costly to build: reuse them across calls).</summary>
    public static GenerationWorker ForCurrentThread => _current ??= new GenerationWorker();

    public BogusSession Bogus(string locale)
    {
        if (!_bogus.TryGetValue(locale, out var session))
        {
            session = new BogusSession(locale);
            _bogus[locale] = session;
        }

        return session;
    }
}
