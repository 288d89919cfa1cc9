using System.Globalization;
using System.Text;
using DataGen.MySql;
using DataGen.Outputs;
using DataGen.Sql;
using MySqlConnector;
using Testcontainers.MySql;

namespace DataGen.Xunit;

/// <summary>
/// A MySQL or MariaDB database per test class: one container per test assembly (or the server in
/// <c>DATAGEN_MYSQL_CONNECTION</c>), a database of its own for each class so classes run in parallel. The baseline is
/// copied into a second database on the same server; after each test, the loaded tables whose checksum or
/// AUTO_INCREMENT moved are emptied and copied back (foreign-key checks off while restoring); a read-only test costs one
/// query. A subclass changes the container in <see cref="ConfigureContainer"/> and the connection in <see cref="ConfigureConnection"/>.
/// </summary>
public class MySqlFixture : DataGenFixture
{
    /// <summary>The image started unless <c>DATAGEN_MYSQL_IMAGE</c> names another (a <c>mariadb:</c> image works too).</summary>
    public const string DefaultImage = "mysql:8.0";

    private readonly ClassDatabase _database = new(
        cs => new MySqlConnection(cs),
        name => $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4",
        name => $"DROP DATABASE IF EXISTS `{name}`; DROP DATABASE IF EXISTS `{name}_baseline`",
        (admin, name) => new MySqlConnectionStringBuilder(admin) { Database = name, AllowLoadLocalInfile = true, AllowUserVariables = true }.ConnectionString,
        MySqlConnection.ClearAllPools);

    private string? _connectionString;
    private (string Table, string Columns, string State)[] _tables = [];

    /// <summary>The connection string of this class's database (after <see cref="ConfigureConnection"/>).</summary>
    public string ConnectionString => _connectionString ??= ConfigureConnection(_database.ConnectionString);

    /// <inheritdoc />
    public override string Store => "mysql";

    /// <inheritdoc />
    public override string Backend => _database.Backend ?? "MySQL";

    private string Baseline => new MySqlConnectionStringBuilder(ConnectionString).Database + "_baseline";

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<MySqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Changes the container before it is built (image, environment, command). Default: unchanged.</summary>
    /// <param name="builder">A builder for the image in <c>DATAGEN_MYSQL_IMAGE</c> or <see cref="DefaultImage"/> as root, with LOAD DATA LOCAL allowed.</param>
    protected virtual MySqlBuilder ConfigureContainer(MySqlBuilder builder) => builder;

    /// <summary>Changes the connection string of this class's database. Default: unchanged.</summary>
    protected virtual string ConfigureConnection(string connectionString) => connectionString;

    /// <inheritdoc />
    protected override Task<string?> StartAsync(CancellationToken cancellationToken) =>
        _database.StartAsync(DataGenContainers.SharedServerAsync(GetType(), () => StartServerAsync(cancellationToken)), NewStoreName(), cancellationToken);

    /// <inheritdoc />
    protected override Task StopAsync() => _database.DropAsync();

    /// <inheritdoc />
    protected override IDataOutput CreateOutput() => MySqlOutput.Create(ConnectionString, new StoreLoadOptions { DropConflicting = true }, "mysql");

    /// <inheritdoc />
    protected override string? ApplicationConnectionString => ConnectionString;

    /// <inheritdoc />
    protected override async Task<DataGen.Schemas.DatabaseSchema?> ReadSchemaAsync(CancellationToken cancellationToken) =>
        await MySqlStoreProvider.Instance.ReadSchemaAsync(new Datastore("db", Store, new Dictionary<string, string> { ["connection"] = ConnectionString }), null, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task CaptureBaselineAsync(CancellationToken cancellationToken)
    {
        var tables = Loaded.Select(m => SqlDialect.TableName(m.Target)).Distinct(StringComparer.Ordinal).ToList();
        var baseline = Quote(Baseline);
        var sql = new StringBuilder($"DROP DATABASE IF EXISTS {baseline}; CREATE DATABASE {baseline} CHARACTER SET utf8mb4;\n");
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The columns a restore writes back: generated columns are the server's to compute.
            await SqlCommands.ReadAsync(
                connection,
                null,
                "SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`') ORDER BY ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND EXTRA NOT LIKE '%GENERATED%' AND EXTRA NOT IN ('VIRTUAL', 'PERSISTENT', 'STORED') GROUP BY TABLE_NAME",
                reader => columns[reader.GetString(0)] = reader.GetString(1),
                cancellationToken).ConfigureAwait(false);
            foreach (var table in tables)
            {
                var list = columns.GetValueOrDefault(table) ?? "*";
                sql.Append(CultureInfo.InvariantCulture, $"CREATE TABLE {baseline}.{Quote(table)} LIKE {Quote(table)};\n");
                sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {baseline}.{Quote(table)} ({list}) SELECT {list} FROM {Quote(table)};\n");
            }

            await SqlCommands.ExecuteAsync(connection, null, sql.ToString(), cancellationToken).ConfigureAwait(false);
            var states = await StatesAsync(connection, tables, cancellationToken).ConfigureAwait(false);
            _tables = tables.Select(t => (t, columns.GetValueOrDefault(t) ?? "*", states.GetValueOrDefault(t) ?? string.Empty)).ToArray();
        }
    }

    /// <inheritdoc />
    protected override async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (_tables.Length == 0)
        {
            return;
        }

        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var states = await StatesAsync(connection, _tables.Select(t => t.Table).ToList(), cancellationToken).ConfigureAwait(false);
            var dirty = _tables.Where(t => states.GetValueOrDefault(t.Table) != t.State).ToList();
            if (dirty.Count == 0)
            {
                return;
            }

            var sql = new StringBuilder("SET FOREIGN_KEY_CHECKS = 0;\n");
            foreach (var (table, columns, state) in dirty)
            {
                var list = columns == "*" ? string.Empty : $" ({columns})";
                sql.Append(CultureInfo.InvariantCulture, $"TRUNCATE TABLE {Quote(table)};\n");
                sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(table)}{list} SELECT {(columns == "*" ? "*" : columns)} FROM {Quote(Baseline)}.{Quote(table)};\n");
                if (state.Split('|')[1] is { Length: > 0 } next)
                {
                    sql.Append(CultureInfo.InvariantCulture, $"ALTER TABLE {Quote(table)} AUTO_INCREMENT = {next};\n");
                }
            }

            sql.Append("SET FOREIGN_KEY_CHECKS = 1;");
            await SqlCommands.ExecuteAsync(connection, null, sql.ToString(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ClearAsync(CancellationToken cancellationToken)
    {
        var drops = Loaded.Select(m => $"DROP TABLE IF EXISTS {Quote(SqlDialect.TableName(m.Target))};").Distinct().Prepend("SET FOREIGN_KEY_CHECKS = 0;").Append("SET FOREIGN_KEY_CHECKS = 1;");
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await SqlCommands.ExecuteAsync(connection, null, string.Join('\n', drops), cancellationToken).ConfigureAwait(false);
        }

        _tables = [];
    }

    /// <inheritdoc />
    protected override async Task RecreateAsync(CancellationToken cancellationToken)
    {
        await _database.RecreateAsync(cancellationToken).ConfigureAwait(false);
        _tables = [];
    }

    private static readonly SemaphoreSlim TemplateCopies = new(1, 1);

    /// <inheritdoc />
    protected override bool SupportsTemplates => true;

    /// <summary>With container reuse (<c>DATAGEN_REUSE=1</c>) templates stay on the server for the next run.</summary>
    protected override bool KeepsTemplates => DataGenContainers.Reuse;

    /// <summary>The table inside a template that holds what the fixture knew (never copied into a class's database).</summary>
    private const string TemplateInfo = "__datagen_template";

    /// <inheritdoc />
    protected override async Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                var info = new List<string>();
                await SqlCommands.ReadAsync(connection, null, $"SELECT info FROM {Quote(name)}.{Quote(TemplateInfo)}", r => info.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
                return info.Count == 1 ? info[0] : null;
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.UnknownDatabase or MySqlErrorCode.NoSuchTable)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        if (KeepsTemplates)
        {
            // A kept template under this name that was not usable (its info missing or not matching) is made again.
            await _database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(name)}", cancellationToken).ConfigureAwait(false);
        }

        await CopyDatabaseAsync(new MySqlConnectionStringBuilder(ConnectionString).Database, name, cancellationToken).ConfigureAwait(false);
        if (KeepsTemplates)
        {
            // The info travels inside the template, written last: a template without it is never cloned.
            var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var command = new MySqlCommand($"CREATE TABLE {Quote(name)}.{Quote(TemplateInfo)} (info LONGTEXT NOT NULL); INSERT INTO {Quote(name)}.{Quote(TemplateInfo)} VALUES (@info)", connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("@info", info);
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return true;
        }

        var database = _database;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                database.ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {Quote(name)}", timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is MySqlException or OperationCanceledException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                // The server is gone (a container stopped first): nothing left to drop.
            }
        };
        return true;
    }

    /// <inheritdoc />
    protected override async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // MySQL has no database templates: the template's tables (definitions with keys, foreign keys and AUTO_INCREMENT,
        // then rows) are copied on the server, and the baseline is captured from the copy.
        await CopyDatabaseAsync(name, new MySqlConnectionStringBuilder(ConnectionString).Database, cancellationToken).ConfigureAwait(false);
        await CaptureBaselineAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies every base table of <paramref name="source"/> (definition, then rows but generated columns) into the empty database <paramref name="target"/>.</summary>
    private async Task CopyDatabaseAsync(string source, string target, CancellationToken cancellationToken)
    {
        await TemplateCopies.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await SqlCommands.ExecuteAsync(connection, null, $"CREATE DATABASE IF NOT EXISTS {Quote(target)} CHARACTER SET utf8mb4", cancellationToken).ConfigureAwait(false);
                var tables = new List<string>();
                await SqlCommands.ReadAsync(connection, null, $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{source.Replace("'", "''", StringComparison.Ordinal)}' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> '{TemplateInfo}' ORDER BY TABLE_NAME", r => tables.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
                var columns = new Dictionary<string, string>(StringComparer.Ordinal);
                await SqlCommands.ReadAsync(
                    connection,
                    null,
                    $"SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`') ORDER BY ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{source.Replace("'", "''", StringComparison.Ordinal)}' AND EXTRA NOT LIKE '%GENERATED%' AND EXTRA NOT IN ('VIRTUAL', 'PERSISTENT', 'STORED') GROUP BY TABLE_NAME",
                    r => columns[r.GetString(0)] = r.GetString(1),
                    cancellationToken).ConfigureAwait(false);
                var sql = new StringBuilder($"SET FOREIGN_KEY_CHECKS = 0; USE {Quote(target)};\n");
                foreach (var table in tables)
                {
                    var definition = string.Empty;
                    await SqlCommands.ReadAsync(connection, null, $"SHOW CREATE TABLE {Quote(source)}.{Quote(table)}", r => definition = r.GetString(1), cancellationToken).ConfigureAwait(false);
                    sql.Append(definition).Append(";\n");
                    var list = columns.GetValueOrDefault(table) ?? "*";
                    sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO {Quote(table)}{(list == "*" ? string.Empty : $" ({list})")} SELECT {list} FROM {Quote(source)}.{Quote(table)};\n");
                }

                sql.Append("SET FOREIGN_KEY_CHECKS = 1;");
                await SqlCommands.ExecuteAsync(connection, null, sql.ToString(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            TemplateCopies.Release();
        }
    }

    /// <summary>Each table's content checksum and next AUTO_INCREMENT value, as <c>checksum|next</c>: what a test that wrote changes.</summary>
    private static async Task<Dictionary<string, string>> StatesAsync(MySqlConnection connection, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tables.Count == 0)
        {
            return states;
        }

        try
        {
            // MySQL 8 caches information_schema statistics (AUTO_INCREMENT included) for a day unless told not to; MariaDB has no such setting.
            await SqlCommands.ExecuteAsync(connection, null, "SET SESSION information_schema_stats_expiry = 0", cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException)
        {
        }

        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        await SqlCommands.ReadAsync(connection, null, $"CHECKSUM TABLE {string.Join(", ", tables.Select(Quote))}", reader =>
        {
            var name = reader.GetString(0);
            checksums[name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..]] = reader.IsDBNull(1) ? "null" : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture)!;
        }, cancellationToken).ConfigureAwait(false);
        await SqlCommands.ReadAsync(connection, null, "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()", reader =>
        {
            var name = reader.GetString(0);
            if (checksums.TryGetValue(name, out var sum))
            {
                states[name] = $"{sum}|{(reader.IsDBNull(1) ? string.Empty : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture))}";
            }
        }, cancellationToken).ConfigureAwait(false);
        return states;
    }

    private static string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>The server for every fixture of this type: started once, on first use.</summary>
    private Task<SharedServer> StartServerAsync(CancellationToken cancellationToken) =>
        DataGenContainers.StartServerAsync(
            "MySQL",
            "DATAGEN_MYSQL_CONNECTION",
            external => $"MySQL at {new MySqlConnectionStringBuilder(external).Server}",
            "DATAGEN_MYSQL_IMAGE",
            DefaultImage,
            image => ConfigureContainer(LocalInfile(new MySqlBuilder(image).WithUsername("root").WithPassword("datagen").WithReuse(DataGenContainers.Reuse), image)).Build(),
            container => container.GetConnectionString(),
            cancellationToken);

    /// <summary>MySQL 8 refuses LOAD DATA LOCAL INFILE (bulk loading) unless the server allows it; MariaDB allows it.</summary>
    private static MySqlBuilder LocalInfile(MySqlBuilder builder, string image) =>
        image.Contains("mariadb", StringComparison.OrdinalIgnoreCase) ? builder : builder.WithCommand("--local-infile=1");
}
