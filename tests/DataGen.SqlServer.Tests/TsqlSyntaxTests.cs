using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using DataGen.Outputs;
using DataGen.Sql;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using IsolationLevel = System.Data.IsolationLevel;

namespace DataGen.SqlServer.Tests;

/// <summary>
/// SQL Server runs only in GitHub Actions; here every T-SQL statement the store emits is parsed by Microsoft's own T-SQL
/// parser (ScriptDom, SQL Server 2022 grammar), so a syntax error is caught before Actions. The statements are the real
/// ones: the dialect's, for the models of every sample manifest and of hostile names (brackets, quotes, keywords,
/// schemas, spaces), and the output's own, recorded from its methods run against a connection that records commands.
/// </summary>
public sealed partial class TsqlSyntaxTests
{
    private static readonly string[] HostileNames = ["a]b", "o'brien", "select", "order lines", "zürich", "x[1]", "dbo.a]b", "sales.o'rders"];

    /// <summary>Parses one batch; the errors, each with the statement, line and column.</summary>
    internal static List<string> Errors(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors.Select(e => $"{e.Message} at {e.Line}:{e.Column} in: {sql}").ToList();
    }

    private static void AllParse(IEnumerable<string> statements, int atLeast)
    {
        var list = statements.ToList();
        list.Should().HaveCountGreaterThanOrEqualTo(atLeast, "the statements were captured");
        list.SelectMany(Errors).Should().BeEmpty();
    }

    [Fact]
    public void The_parser_catches_what_SQL_Server_would_refuse()
    {
        // The check itself can fail: statements a T-SQL parser must reject.
        Errors("CREATE TABLE [a (x int)").Should().NotBeEmpty();
        Errors("SELECT COUNT_BIG(*) FROM [t] WITH (TABLOCKX HOLDLOCK").Should().NotBeEmpty();
        Errors("ALTER TABLE [t] NOCHECK CONSTRAINT [a]]b").Should().NotBeEmpty();
        Errors("SELECT TOP (0) 1 FROM [t] WITH (TABLOCKX, HOLDLOCK)").Should().BeEmpty();
    }

    public static TheoryData<string> Manifests() => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "samples"), "*.yaml").Select(Path.GetFileName)!);

    /// <summary>The models of a sample manifest as the pipeline describes them to a store.</summary>
    private static async Task<List<ModelDescriptor>> ModelsOfAsync(string file)
    {
        var manifest = await Manifest.LoadAsync(Path.Combine(AppContext.BaseDirectory, "samples", file), new ManifestOptions { Scale = 0.001 }, TestContext.Current.CancellationToken);
        var memory = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, memory, cancellationToken: TestContext.Current.CancellationToken);
        return memory.Models.Values.Concat(memory.Updates.Values).ToList();
    }

    /// <summary>Models with hostile table, column, index and reference names, in the default and in named schemas.</summary>
    private static List<ModelDescriptor> HostileModels() =>
        HostileNames.Select((name, i) => new ModelDescriptor(name, "id", [new("id", ValueKind.Integer, false), new(HostileNames[(i + 1) % HostileNames.Length], ValueKind.String, true), new("parent", ValueKind.Integer, true), new("at", ValueKind.DateTime, false)], 3)
        {
            Store = "db",
            Target = name,
            Indexes = [[HostileNames[(i + 1) % HostileNames.Length]], ["parent", "at"]],
            References = [new ReferenceDescriptor("parent", HostileNames[(i + 2) % HostileNames.Length], "id", HostileNames[(i + 2) % HostileNames.Length], "db")],
        }).ToList();

    /// <summary>
    /// Every public method of the dialect that makes SQL from a model, a table or schema name, or a list of tables —
    /// found by reflection, so a statement added to the dialect later is parsed too.
    /// </summary>
    private static IEnumerable<string> DialectStatements(IReadOnlyList<ModelDescriptor> models)
    {
        var dialect = SqlServerDialect.Instance;
        var methods = typeof(SqlServerDialect).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.ReturnType == typeof(string) || m.ReturnType == typeof(IEnumerable<string>))
            .Where(m => m.Name is not ("Quote" or "QuoteTable" or "ColumnType" or "ToString"))
            .ToList();
        methods.Select(m => m.Name).Should().Contain(["CreateTable", "CreateIndexes", "DropTable", "LockTable", "CreateSchema", "EmptyTables", "CountRows"]);
        foreach (var method in methods)
        {
            var parameters = method.GetParameters();
            IEnumerable<object> arguments = parameters switch
            {
                [{ ParameterType: var t }] when t == typeof(ModelDescriptor) => models,
                [{ ParameterType: var t }] when t == typeof(string) => models.Select(m => m.Target).Concat(HostileNames).Concat(["sales", "o'brien]"]),
                [{ ParameterType: var t }] when t.IsAssignableFrom(typeof(List<string>)) => [models.Select(m => m.Target).ToList()],
                _ => throw new InvalidOperationException($"SqlServerDialect.{method.Name}({string.Join(", ", parameters.Select(p => p.ParameterType.Name))}): teach this test to call it, so its SQL is parsed too"),
            };
            foreach (var argument in arguments)
            {
                switch (method.Invoke(dialect, [argument]))
                {
                    case string sql:
                        yield return sql;
                        break;
                    case IEnumerable<string> many:
                        foreach (var sql in many)
                        {
                            yield return sql;
                        }

                        break;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task The_dialect_s_statements_for_a_sample_manifest_parse(string file)
    {
        var models = await ModelsOfAsync(file);

        AllParse(DialectStatements(models), atLeast: models.Count * 4);
    }

    [Fact]
    public void The_dialect_s_statements_for_hostile_names_parse()
    {
        var models = HostileModels();
        var statements = DialectStatements(models).ToList();

        AllParse(statements, atLeast: models.Count * 6);
        statements.Should().Contain(s => s.Contains("[a]]b]", StringComparison.Ordinal), "a bracket in a name is doubled");
        statements.Should().Contain(s => s.Contains("[sales].[o'rders]", StringComparison.Ordinal), "a schema-qualified name is quoted per part");
    }

    /// <summary>
    /// The output's own statements (foreign keys held and checked again, sequences moved past loaded keys, existence and
    /// referencing-table queries, the column types read before a bulk copy), recorded from its methods.
    /// </summary>
    [Fact]
    public async Task The_output_s_own_statements_parse()
    {
        await using var output = SqlServerOutput.Create("Server=tcp:127.0.0.1,1;Database=shop;User Id=sa;Password=x;TrustServerCertificate=true");
        var ct = TestContext.Current.CancellationToken;
        foreach (var model in HostileModels())
        {
            var column = model.Fields[1].Name;
            var held = model with { HeldReferences = model.References };
            var connection = new RecordingConnection(sql =>
                sql.Contains("sys.sequences", StringComparison.Ordinal) ? Table(["c", "s", "i"], [column, "[dbo].[o'brien]]seq]", 1L])
                : sql.Contains("sys.foreign_keys fk", StringComparison.Ordinal) && sql.Contains("foreign_key_columns", StringComparison.Ordinal) ? Table(["k", "c"], ["fk_o'brien]", "parent"])
                : Table(["a", "b"]));
            using var transaction = connection.BeginTransaction();

            await Invoke<IReadOnlyList<string>>(output, "ReferencingTablesAsync", connection, transaction, model.Target, new List<string> { "other", "sales.x", "o'brien", "a]b" }, ct);
            await Invoke<bool>(output, "TableExistsAsync", connection, transaction, model, ct);
            await Invoke(output, "AfterBulkLoadAsync", connection, transaction, model, ct);
            var check = await Invoke<Func<CancellationToken, Task>?>(output, "HoldForeignKeysAsync", connection, transaction, held, ct);
            check.Should().NotBeNull("a held reference's foreign key is disabled, then checked again");
            await check!(ct);
            try
            {
                await Invoke<object>(output, "BeginBulkLoadAsync", connection, transaction, model, ct);
            }
            catch (InvalidCastException)
            {
                // SqlBulkCopy needs a real SqlConnection: its column-type query was recorded before.
            }

            var statements = connection.Commands;
            statements.Should().Contain(s => s.Contains("NOCHECK CONSTRAINT [fk_o'brien]]]", StringComparison.Ordinal))
                .And.Contain(s => s.Contains("WITH CHECK CHECK CONSTRAINT", StringComparison.Ordinal))
                .And.Contain(s => s.Contains("ALTER SEQUENCE", StringComparison.Ordinal));
            AllParse(statements, atLeast: 6);

            // The sequence's ALTER is built on the server as text and run with EXEC: parse it as it will be built.
            var restart = statements.Select(s => RestartText().Match(s)).Single(m => m.Success);
            AllParse([restart.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) + "42"], atLeast: 1);
        }
    }

    /// <summary>
    /// The fixture's statements that make and drop a class's database, taken from the fixture itself (the statement
    /// builders it hands its class database), for hostile database names.
    /// </summary>
    [Fact]
    public void The_fixture_s_database_statements_parse()
    {
        var fixture = new DataGen.Xunit.SqlServerFixture();
        var builders = StatementBuilders(fixture, depth: 2).ToList();
        builders.Should().HaveCountGreaterThanOrEqualTo(2, "SqlServerFixture keeps its CREATE and DROP DATABASE statement builders in fields; if they moved, point this test at them");

        AllParse(builders.SelectMany(build => HostileNames.Append("dg_class_0123456789abcdef").Select(build)), atLeast: builders.Count * HostileNames.Length);
    }

    /// <summary>The <c>Func&lt;string, string&gt;</c> fields of an object and of the objects its fields hold (to <paramref name="depth"/>).</summary>
    private static IEnumerable<Func<string, string>> StatementBuilders(object target, int depth)
    {
        for (var type = target.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            {
                switch (field.GetValue(field.IsStatic ? null : target))
                {
                    case Func<string, string> builder:
                        yield return builder;
                        break;
                    case { } inner when depth > 1 && inner.GetType().Namespace?.StartsWith("DataGen", StringComparison.Ordinal) == true:
                        foreach (var nested in StatementBuilders(inner, depth - 1))
                        {
                            yield return nested;
                        }

                        break;
                }
            }
        }
    }

    [GeneratedRegex(@"N'(ALTER SEQUENCE (?:[^']|'')*)' \+")]
    private static partial Regex RestartText();

    private static DataTable Table(string[] columns, params object[][] rows)
    {
        var table = new DataTable { Locale = System.Globalization.CultureInfo.InvariantCulture };
        for (var i = 0; i < columns.Length; i++)
        {
            table.Columns.Add(columns[i], rows.Length > 0 ? rows[0][i].GetType() : typeof(string));
        }

        foreach (var row in rows)
        {
            table.Rows.Add(row);
        }

        return table;
    }

    private static async Task<T> Invoke<T>(object target, string name, params object?[] arguments)
    {
        var method = target.GetType().GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            ?? throw new MissingMethodException(target.GetType().Name, name);
        object? result;
        try
        {
            result = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        // Task, Task<T>, ValueTask<T>: awaited, and the result (if any) returned.
        var task = result as Task ?? result?.GetType().GetMethod("AsTask")?.Invoke(result, null) as Task;
        if (task is null)
        {
            return (T)result!;
        }

        await task;
        return task.GetType().GetProperty("Result")?.GetValue(task) is T value ? value : default!;
    }

    private static Task Invoke(object target, string name, params object?[] arguments) => Invoke<object>(target, name, arguments);

    /// <summary>A connection that runs nothing: it records each command's text and answers queries from a table.</summary>
    private sealed class RecordingConnection(Func<string, DataTable> answer) : DbConnection
    {
        public List<string> Commands { get; } = [];

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string ConnectionString { get; set; } = string.Empty;

        public override string Database => "recorded";

        public override string DataSource => "recorded";

        public override string ServerVersion => "16.0";

        public override ConnectionState State => ConnectionState.Open;

        public override void ChangeDatabase(string databaseName)
        {
        }

        public override void Close()
        {
        }

        public override void Open()
        {
        }

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new RecordingTransaction(this);

        protected override DbCommand CreateDbCommand() => new RecordingCommand(this, answer);

        private sealed class RecordingTransaction(DbConnection connection) : DbTransaction
        {
            public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

            protected override DbConnection DbConnection => connection;

            public override void Commit()
            {
            }

            public override void Rollback()
            {
            }
        }

        private sealed class RecordingCommand(RecordingConnection connection, Func<string, DataTable> answer) : DbCommand
        {
            // SqlClient's own parameter collection: parameters are made and added as for SQL Server.
            private readonly SqlCommand _parameters = new();

            [System.Diagnostics.CodeAnalysis.AllowNull]
            public override string CommandText { get; set; } = string.Empty;

            public override int CommandTimeout { get; set; }

            public override CommandType CommandType { get; set; }

            public override bool DesignTimeVisible { get; set; }

            public override UpdateRowSource UpdatedRowSource { get; set; }

            protected override DbConnection? DbConnection { get; set; }

            protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

            protected override DbTransaction? DbTransaction { get; set; }

            public override void Cancel()
            {
            }

            public override int ExecuteNonQuery()
            {
                connection.Commands.Add(CommandText);
                return 0;
            }

            public override object? ExecuteScalar()
            {
                connection.Commands.Add(CommandText);
                return 0L;
            }

            public override void Prepare()
            {
            }

            protected override DbParameter CreateDbParameter() => new SqlParameter();

            protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
            {
                connection.Commands.Add(CommandText);
                return answer(CommandText).CreateDataReader();
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _parameters.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
