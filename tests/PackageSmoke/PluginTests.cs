using DataGen;
using DataGen.Outputs;
using DataGen.Stores;
using Xunit;

namespace PackageSmoke;

/// <summary>A store kind added by a user of the packages, through the public API only (no internals are visible here).</summary>
public sealed class PluginTests
{
    [Fact]
    public async Task A_new_store_kind_generates_from_a_manifest()
    {
        var stores = StoreCatalog.FilesOnly.With(new ConsoleLikeStore());
        var manifest = Manifest.Parse("""
            datastores:
              screen: { kind: screen, width: "80" }
            models:
              customers: { store: screen, count: 4, key: id, fields: { id: uuid, email: internet.email } }
            """, "plugin.yaml", new ManifestOptions { Stores = stores });

        await using (var output = stores.CreateOutput(manifest, new StoreLoadOptions(), defaultOutput: null))
        {
            await DataGenerator.GenerateAsync(manifest, output, null, TestContext.Current.CancellationToken);
        }

        Assert.Equal(4, ConsoleLikeStore.Lines.Count);
        Assert.All(ConsoleLikeStore.Lines, line => Assert.True(line.Length <= 80));
    }

    [Fact]
    public void A_setting_the_store_does_not_know_is_located()
    {
        var stores = StoreCatalog.FilesOnly.With(new ConsoleLikeStore());
        var error = Assert.Throws<ManifestException>(() => Manifest.Parse("datastores:\n  screen: { kind: screen, widht: \"80\" }\nmodels:\n  m: { count: 1, fields: { id: uuid } }\n", "plugin.yaml", new ManifestOptions { Stores = stores }));
        Assert.Contains(error.Errors, e => e.Line == 2 && e.Message.Contains("unknown setting 'widht' (did you mean 'width'?)", StringComparison.Ordinal));
    }

    /// <summary>Writes each row as one line cut to a width: the smallest store there is.</summary>
    private sealed class ConsoleLikeStore : StoreProvider
    {
        public static List<string> Lines { get; } = [];

        public override string Kind => "screen";

        public override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["width"] = "Line width." };

        public override IDataOutput CreateOutput(Datastore store, StoreLoadOptions options) => new Screen(int.Parse(Required(store, "width"), System.Globalization.CultureInfo.InvariantCulture));

        private sealed class Screen(int width) : IDataOutput, IModelWriter
        {
            private long _rows;

            public ValueTask<IModelWriter> OpenModelAsync(ModelDescriptor model, CancellationToken cancellationToken = default) => ValueTask.FromResult<IModelWriter>(this);

            public ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
            {
                foreach (var row in batch.Rows)
                {
                    var line = string.Join(" | ", row);
                    Lines.Add(line[..Math.Min(width, line.Length)]);
                    _rows++;
                }

                return ValueTask.CompletedTask;
            }

            ValueTask<long> IModelWriter.CompleteAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_rows);

            public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
