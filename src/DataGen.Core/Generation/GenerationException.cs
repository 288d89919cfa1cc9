namespace DataGen;

/// <summary>A failure while generating or writing data, naming the model (and field and row where known).</summary>
public sealed class GenerationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GenerationException(string message, string? model = null, string? field = null, long? row = null, Exception? innerException = null)
        : base(Describe(message, model, field, row), innerException)
    {
        Detail = message;
        Model = model;
        Field = field;
        Row = row;
    }

    /// <summary>Creates the exception.</summary>
    public GenerationException()
        : this("generation failed")
    {
    }

    /// <summary>Creates the exception.</summary>
    public GenerationException(string message)
        : this(message, null, null, null, null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GenerationException(string message, Exception innerException)
        : this(message, null, null, null, innerException)
    {
    }

    /// <summary>The message without the model, field and row (to add them once where they become known).</summary>
    internal string Detail { get; }

    /// <summary>The model, if known.</summary>
    public string? Model { get; }

    /// <summary>The field path, if known.</summary>
    public string? Field { get; }

    /// <summary>The row index, if known.</summary>
    public long? Row { get; }

    private static string Describe(string message, string? model, string? field, long? row)
    {
        var where = string.Join(", ", new[]
        {
            model is null ? null : $"model '{model}'",
            field is null ? null : $"field '{field}'",
            row is null ? null : $"row {row}",
        }.Where(s => s is not null));
        return where.Length == 0 ? message : $"{where}: {message}";
    }
}
