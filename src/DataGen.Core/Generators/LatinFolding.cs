namespace DataGen.Generators;

/// <summary>
/// Folds Latin-1 and Latin Extended-A letters to ASCII (é → e, ß → ss, Ł → L). A fixed table rather
/// than Unicode normalization, which depends on ICU (and does nothing under invariant globalization):
/// generated e-mail addresses must not change with the machine.
/// </summary>
internal static class LatinFolding
{
    // One entry per code point from U+00C0 to U+017F; "" drops the character.
    private static readonly string[] Table = Build();

    public static string Fold(char c) => c is >= '\u00C0' and <= '\u017F' ? Table[c - 0xC0] : string.Empty;

    private static string[] Build()
    {
        const string latin1 =
            "A A A A A A AE C E E E E I I I I D N O O O O O - O U U U U Y TH ss " +
            "a a a a a a ae c e e e e i i i i d n o o o o o - o u u u u y th y";
        const string extendedA =
            "A a A a A a C c C c C c C c D d D d E e E e E e E e E e G g G g G g G g H h H h " +
            "I i I i I i I i I i IJ ij J j K k k L l L l L l L l L l N n N n N n n N n " +
            "O o O o O o OE oe R r R r R r S s S s S s S s T t T t T t U u U u U u U u U u U u " +
            "W w Y y Y Z z Z z Z z s";
        var parts = (latin1 + " " + extendedA).Split(' ');
        if (parts.Length != 0x180 - 0xC0)
        {
            throw new InvalidOperationException($"folding table has {parts.Length} entries");
        }

        return parts.Select(p => p == "-" ? string.Empty : p).ToArray();
    }
}
