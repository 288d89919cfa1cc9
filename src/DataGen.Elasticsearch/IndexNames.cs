namespace DataGen.Elasticsearch;

/// <summary>Elasticsearch's rules for index names, checked before a request so the error names the model.</summary>
internal static class IndexNames
{
    private const string Forbidden = "\\/*?\"<>| ,#:";

    /// <summary>What is wrong with <paramref name="name"/> as an index name, or null.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Any(char.IsUpper))
        {
            return $"index names are lower case (try '{name.ToLowerInvariant()}')";
        }

        if (name.IndexOfAny(Forbidden.ToCharArray()) is var at and >= 0)
        {
            return $"'{name[at]}' is not allowed in an index name";
        }

        if (name[0] is '-' or '_' or '+' || name is "." or "..")
        {
            return "an index name cannot start with '-', '_' or '+', nor be '.' or '..'";
        }

        return System.Text.Encoding.UTF8.GetByteCount(name) > 255 ? "an index name is at most 255 bytes" : null;
    }
}
