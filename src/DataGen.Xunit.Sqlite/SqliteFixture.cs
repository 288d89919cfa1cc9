using DataGen.Outputs;
using DataGen.Sqlite;
using Microsoft.Data.Sqlite;

namespace DataGen.Xunit;

/// <summary>
/// A SQLite database file per test class: no server, no Docker. The baseline is a copy of the file; after a test
/// the file is put back only when SQLite's change counter says something was written.
/// </summary>
public class SqliteFixture : DataGenFixture
{
    private string _directory = string.Empty;
    private string _path = string.Empty;
    private byte[]? _baseline;

    /// <summary>The connection string of this class's database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The database file.</summary>
    public string DatabasePath => _path;

    /// <inheritdoc />
    public override string Store => "sqlite";

    /// <inheritdoc />
    public override string Backend => "SQLite (embedded)";

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    protected override Task<string?> StartAsync(CancellationToken cancellationToken)
    {
        RemoveLeftBehind();
        _directory = Directory.CreateTempSubdirectory($"dg_sqlite_{StoreNames.Owner}_").FullName;
        _path = Path.Combine(_directory, NewStoreName() + ".db");
        ConnectionString = ConfigureConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ConnectionString);
        return Task.FromResult<string?>(null);
    }

    private static int _swept;

    /// <summary>Once per process: deletes the class directories test processes on this machine left when they were killed.</summary>
    private static void RemoveLeftBehind()
    {
        if (Interlocked.Exchange(ref _swept, 1) != 0)
        {
            return;
        }

        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), "dg_sqlite_*").Where(d => IsLeftBehind(Path.GetFileName(d))))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                KitLog.Fallback($"SQLite directory {directory}", $"left behind by a killed test process and not deleted ({e.Message})", "it stays on disk");
            }
        }
    }

    /// <summary>Changes the connection string of this class's database file (e.g. a cache mode). Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override Task StopAsync()
    {
        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => SqliteOutput.ToDatabase(ConnectionString, new StoreLoadOptions { DropConflicting = true });

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken)
    {
        // A rollback journal (not WAL) so that every committed write bumps the header's change counter.
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA journal_mode = DELETE";
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _baseline = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> TemplateFiles = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <inheritdoc />
    protected override Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken) =>
        Task.FromResult(_baseline is not null && TemplateFiles.TryAdd(name, _baseline));

    /// <inheritdoc />
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        if (!TemplateFiles.TryGetValue(name, out var file))
        {
            return false;
        }

        SqliteConnection.ClearAllPools();
        await File.WriteAllBytesAsync(_path, file, cancellationToken).ConfigureAwait(false);
        _baseline = file;
        return true;
    }

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (_baseline is null || !File.Exists(_path) || ChangeCounter(Header(_path)) != ChangeCounter(_baseline) || new FileInfo(_path).Length != _baseline.Length)
        {
            SqliteConnection.ClearAllPools();
            await File.WriteAllBytesAsync(_path, _baseline ?? [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override string? ApplicationConnectionString => ConnectionString;

    /// <inheritdoc />
    protected override async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) =>
        await SqliteStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", Store, new Dictionary<string, string> { ["connection"] = ConnectionString }), null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override Task ClearAsync(CancellationToken cancellationToken)
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
        return Task.CompletedTask;
    }

    private static byte[] Header(string path)
    {
        var header = new byte[28];
        using var file = File.OpenRead(path);
        file.ReadExactly(header);
        return header;
    }

    /// <summary>The file change counter of a SQLite database (header bytes 24–27), bumped by every committed write.</summary>
    private static uint ChangeCounter(byte[] file) => file.Length < 28 ? 0 : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(24, 4));
}
