using System.Globalization;
using System.Text;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.Xunit;

/// <summary>
/// MySQL's and MariaDB's <see cref="IStoreStrategy"/>: the baseline is a copy of the loaded tables in a second database
/// on the same server (<c>{database}_baseline</c>); after a test, the tables whose checksum or next AUTO_INCREMENT moved
/// are emptied and copied back, and a read-only test costs one query. Templates are server-side copies of a class's
/// database (MySQL has no database templates).
/// </summary>
public sealed class MySqlStrategy : IStoreStrategy
{
    /// <summary>The table inside a template that holds what the fixture knew (never copied into a class's database).</summary>
    private const string TemplateInfo = "__datagen_template";

    private static readonly SemaphoreSlim TemplateCopies = new(1, 1);
    private readonly string _connectionString;
    private readonly string _server;
    private readonly string _database;
    private readonly Func<bool> _keepsTemplates;
    private List<MySqlTable> _tables = [];

    internal MySqlStrategy(string connectionString, Func<bool> keepsTemplates)
    {
        _connectionString = new MySqlConnectionStringBuilder(connectionString) { AllowUserVariables = true }.ConnectionString;
        _server = new MySqlConnectionStringBuilder(connectionString) { Database = string.Empty }.ConnectionString;
        _database = new MySqlConnectionStringBuilder(connectionString).Database is { Length: > 0 } database ? database : throw new ArgumentException("the connection string names no database", nameof(connectionString));
        _keepsTemplates = keepsTemplates;
    }

    /// <summary>A strategy for the database <paramref name="connectionString"/> names; its user may create the <c>{database}_baseline</c> database.</summary>
    public static MySqlStrategy For(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new MySqlStrategy(connectionString, () => false);
    }

    /// <summary>The database the baseline is copied into.</summary>
    internal string Baseline => _database + "_baseline";

    /// <inheritdoc />
    public async Task CaptureBaselineAsync(IReadOnlyList<string> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var tables = targets.Select(SqlDialect.TableName).Distinct(StringComparer.Ordinal).ToList();
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var columns = await ColumnsAsync(connection, _database, cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, null, MySqlRestorePlan.CaptureSql(Baseline, tables, columns), cancellationToken).ConfigureAwait(false);
            var states = await StatesAsync(connection, tables, cancellationToken).ConfigureAwait(false);
            _tables = tables.Select(t => new MySqlTable(t, columns.GetValueOrDefault(t) ?? "*", states.GetValueOrDefault(t) ?? string.Empty)).ToList();
        }
    }

    /// <inheritdoc />
    public async Task<bool> HasChangedAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return (await DirtyAsync(connection, cancellationToken).ConfigureAwait(false)).Count > 0;
        }
    }

    /// <inheritdoc />
    public async Task RestoreBaselineAsync(CancellationToken cancellationToken)
    {
        if (_tables.Count == 0)
        {
            return;
        }

        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            if (MySqlRestorePlan.RestoreSql(await DirtyAsync(connection, cancellationToken).ConfigureAwait(false), Baseline) is { } sql)
            {
                await SqlCommands.ExecuteAsync(connection, null, sql, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Forgets the baseline (the database was emptied or made again).</summary>
    internal void Forget() => _tables = [];

    /// <inheritdoc />
    public async Task<string?> FindTemplateAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                var info = new List<string>();
                await SqlCommands.ReadAsync(connection, null, $"SELECT info FROM {Q(name)}.{Q(TemplateInfo)}", r => info.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
                return info.Count == 1 ? info[0] : null;
            }
            catch (MySqlException e) when (e.ErrorCode is MySqlErrorCode.UnknownDatabase or MySqlErrorCode.NoSuchTable)
            {
                return null;
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> SaveTemplateAsync(string name, string info, CancellationToken cancellationToken)
    {
        var keep = _keepsTemplates();
        if (!keep)
        {
            // Registered before it is made: a run that ends while it is being copied still drops it.
            KitCleanup.AtEnd($"MySQL database {name}", ct => ExecuteAsync($"DROP DATABASE IF EXISTS {Q(name)}", ct));
        }

        try
        {
            // A kept template under this name that was not usable (its info missing or not matching) is made again.
            await ExecuteAsync($"DROP DATABASE IF EXISTS {Q(name)}", cancellationToken).ConfigureAwait(false);
            await CopyDatabaseAsync(_database, name, cancellationToken).ConfigureAwait(false);
            if (keep)
            {
                // The info travels inside the template, written last: a template without it is never cloned.
                await WriteInfoAsync(name, info, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (MySqlException e)
        {
            KitLog.Fallback($"MySQL template {name}", $"not saved ({KitLog.Why(e)})", "every later class with this data generates and loads it again");
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<bool> CloneTemplateAsync(string name, CancellationToken cancellationToken)
    {
        // MySQL has no database templates: the template's tables (definitions with keys, foreign keys and AUTO_INCREMENT,
        // then rows) are copied on the server, and the baseline is captured from the copy.
        try
        {
            await CopyDatabaseAsync(name, _database, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException e)
        {
            KitLog.Fallback($"MySQL template {name}", $"could not be copied ({KitLog.Why(e)})", "this class generates and loads its data itself");
            await ExecuteAsync($"DROP DATABASE IF EXISTS {Q(_database)}; CREATE DATABASE {Q(_database)} CHARACTER SET utf8mb4", cancellationToken).ConfigureAwait(false);
            return false;
        }

        var tables = new List<string>();
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await SqlCommands.ReadAsync(connection, null, $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'", r => tables.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
        }

        await CaptureBaselineAsync(tables, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies every base table of <paramref name="source"/> (definition, then rows but generated columns) into the empty database <paramref name="target"/>.</summary>
    private async Task CopyDatabaseAsync(string source, string target, CancellationToken cancellationToken)
    {
        await TemplateCopies.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await SqlCommands.ExecuteAsync(connection, null, $"CREATE DATABASE IF NOT EXISTS {Q(target)} CHARACTER SET utf8mb4", cancellationToken).ConfigureAwait(false);
                var tables = new List<string>();
                await SqlCommands.ReadAsync(connection, null, $"SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = {Literal(source)} AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> '{TemplateInfo}' ORDER BY TABLE_NAME", r => tables.Add(r.GetString(0)), cancellationToken).ConfigureAwait(false);
                var columns = await ColumnsAsync(connection, source, cancellationToken).ConfigureAwait(false);
                var sql = new StringBuilder($"SET FOREIGN_KEY_CHECKS = 0; USE {Q(target)};\n");
                foreach (var table in tables)
                {
                    var definition = string.Empty;
                    await SqlCommands.ReadAsync(connection, null, $"SHOW CREATE TABLE {Q(source)}.{Q(table)}", r => definition = r.GetString(1), cancellationToken).ConfigureAwait(false);
                    var list = columns.GetValueOrDefault(table) ?? "*";
                    sql.Append(definition).Append(";\n")
                        .Append(CultureInfo.InvariantCulture, $"INSERT INTO {Q(table)}{(list == "*" ? string.Empty : $" ({list})")} SELECT {list} FROM {Q(source)}.{Q(table)};\n");
                }

                await SqlCommands.ExecuteAsync(connection, null, sql.Append("SET FOREIGN_KEY_CHECKS = 1;").ToString(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            TemplateCopies.Release();
        }
    }

    private async Task WriteInfoAsync(string name, string info, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new MySqlCommand($"CREATE TABLE {Q(name)}.{Q(TemplateInfo)} (info LONGTEXT NOT NULL); INSERT INTO {Q(name)}.{Q(TemplateInfo)} VALUES (@info)", connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("@info", info);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<MySqlTable>> DirtyAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        MySqlRestorePlan.Dirty(_tables, await StatesAsync(connection, _tables.Select(t => t.Table).ToList(), cancellationToken).ConfigureAwait(false));

    /// <summary>The columns a restore or copy writes, by table: generated columns are the server's to compute.</summary>
    private static async Task<Dictionary<string, string>> ColumnsAsync(MySqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        await SqlCommands.ReadAsync(
            connection,
            null,
            $"SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('`', REPLACE(COLUMN_NAME, '`', '``'), '`') ORDER BY ORDINAL_POSITION SEPARATOR ', ') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {Literal(database)} AND EXTRA NOT LIKE '%GENERATED%' AND EXTRA NOT IN ('VIRTUAL', 'PERSISTENT', 'STORED') GROUP BY TABLE_NAME",
            r => columns[r.GetString(0)] = r.GetString(1),
            cancellationToken).ConfigureAwait(false);
        return columns;
    }

    /// <summary>Each table's state, <c>checksum|next AUTO_INCREMENT</c>: what a test that wrote changes.</summary>
    private static async Task<Dictionary<string, string>> StatesAsync(MySqlConnection connection, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tables.Count == 0)
        {
            return states;
        }

        if (!connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            // MySQL 8 caches information_schema statistics (AUTO_INCREMENT included) for a day unless told not to; MariaDB does not cache them.
            await SqlCommands.ExecuteAsync(connection, null, "SET SESSION information_schema_stats_expiry = 0", cancellationToken).ConfigureAwait(false);
        }

        var checksums = new Dictionary<string, object?>(StringComparer.Ordinal);
        await SqlCommands.ReadAsync(connection, null, $"CHECKSUM TABLE {string.Join(", ", tables.Select(Q))}", reader =>
        {
            var name = reader.GetString(0);
            checksums[name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..]] = reader.GetValue(1);
        }, cancellationToken).ConfigureAwait(false);
        await SqlCommands.ReadAsync(connection, null, "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()", reader =>
        {
            if (checksums.TryGetValue(reader.GetString(0), out var sum))
            {
                states[reader.GetString(0)] = MySqlRestorePlan.State(sum, reader.GetValue(1));
            }
        }, cancellationToken).ConfigureAwait(false);
        return states;
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> on a session without a current database (the class's may be gone).</summary>
    private Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
        SqlCommands.ExecuteOnceAsync(new MySqlConnection(_server), sql, cancellationToken);

    private static string Q(string identifier) => MySqlRestorePlan.Quote(identifier);

    /// <summary>A database name as a string literal (names the kit makes: letters, digits and '_').</summary>
    private static string Literal(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";
}
