namespace DataGen;

/// <summary>One problem found in a manifest, with where it is and what was expected.</summary>
/// <param name="File">The manifest file (or the source name given for text).</param>
/// <param name="Line">1-based line, or 0 when the problem concerns the whole file.</param>
/// <param name="Column">1-based column, or 0 when unknown.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ManifestError(string File, int Line, int Column, string Message)
{
    /// <summary>The model the problem is in, if any.</summary>
    public string? Model { get; init; }

    /// <summary>The field path (dotted for nested fields) the problem is in, if any.</summary>
    public string? Field { get; init; }

    /// <summary>Formats as <c>file(line,column): model 'm', field 'f': message</c>, the shape editors and CI logs link.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}({Line},{Column})" : File;
        var context = (Model, Field) switch
        {
            (not null, not null) => $"model '{Model}', field '{Field}': ",
            (not null, null) => $"model '{Model}': ",
            _ => string.Empty,
        };
        return $"{where}: error: {context}{Message}";
    }
}

/// <summary>Thrown when a manifest is invalid; carries every error found, not only the first.</summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Creates an exception with a single error message and no location.</summary>
    public ManifestException(string message)
        : this([new ManifestError("<manifest>", 0, 0, message)])
    {
    }

    /// <summary>Creates an exception with a single error message and no location.</summary>
    public ManifestException()
        : this("invalid manifest")
    {
    }

    /// <summary>Wraps another exception as a manifest error.</summary>
    public ManifestException(string message, Exception innerException)
        : base(message, innerException) => Errors = [new ManifestError("<manifest>", 0, 0, message)];

    /// <summary>All errors found, in file order.</summary>
    public IReadOnlyList<ManifestError> Errors { get; } = [];

    private static string Describe(IReadOnlyList<ManifestError> errors) =>
        errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} errors in manifest:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
}
