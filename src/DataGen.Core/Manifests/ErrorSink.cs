using YamlDotNet.RepresentationModel;

namespace DataGen.Manifests;

/// <summary>Collects errors while reading and compiling a manifest, so validation reports all of them.</summary>
internal sealed class ErrorSink(string file)
{
    private readonly List<ManifestError> _errors = [];

    public string File { get; } = file;

    public bool HasErrors => _errors.Count > 0;

    public IReadOnlyList<ManifestError> Errors => _errors;

    public void Add(YamlNode? node, string message, string? model = null, string? field = null) =>
        _errors.Add(new ManifestError(File, node is null ? 0 : (int)node.Start.Line, node is null ? 0 : (int)node.Start.Column, message)
        {
            Model = model,
            Field = field,
        });

    public void Add(int line, int column, string message, string? model = null, string? field = null) =>
        _errors.Add(new ManifestError(File, line, column, message) { Model = model, Field = field });

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ManifestException(_errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
        }
    }
}
