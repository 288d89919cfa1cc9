using System.Data.Common;
using Microsoft.Data.Sqlite;
using MongoDB.Bson;
using MongoDB.Driver;
using Npgsql;

namespace DataGen.Xunit.Tests;

/// <summary>Data for the template tests: a seed no other class uses, so the template is theirs alone.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 909_090)]
public sealed class TemplateProbe;

/// <summary>Same data, another seed: a different template.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 909_091)]
public sealed class OtherTemplateProbe;

/// <summary>Data for the kept-template test (its own seeds).</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 919_190)]
public sealed class KeptTemplateProbe;

/// <summary>The kept-template test's data with one input changed.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 919_191)]
public sealed class ChangedKeptTemplateProbe;

/// <summary>Data for the pass-on test (its own seed).</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 929_290)]
public sealed class PassOnProbe;

/// <summary>Keeps templates on the server as DATAGEN_REUSE=1 does, whatever this run's environment says.</summary>
public sealed class KeepingPostgres : PostgresFixture
{
    protected override bool KeepsTemplates => true;
}

/// <summary>Keeps MySQL templates on the server as DATAGEN_REUSE=1 does, whatever this run's environment says.</summary>
public sealed class KeepingMySql : MySqlFixture
{
    protected override bool KeepsTemplates => true;
}

/// <summary>
/// Load once, clone per class: the second class with the same data gets a copy of the first one's database instead of
/// generating and loading again; the copies are independent; other data is not mistaken for it.
/// </summary>
public sealed class TemplateTests
{
    internal static async Task<string> DigestAsync(DbConnection connection)
    {
        await using (connection)
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, first_name, email, amount FROM customers ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var text = new System.Text.StringBuilder();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                text.Append(reader.GetValue(0)).Append('|').Append(reader.GetValue(1)).Append('|').Append(reader.GetValue(2)).Append('|').Append(reader.GetValue(3)).Append('\n');
            }

            return text.ToString();
        }
    }

    internal static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    private static Task ClonesAreCopiesAsync<T>(Func<T> create, Func<T, DbConnection> connect)
        where T : DataGenFixture =>
        ClonesAreCopiesAsync(create, f => DigestAsync(connect(f)), f => ExecuteAsync(connect(f), "DELETE FROM customers"));

    private static async Task ClonesAreCopiesAsync<T>(Func<T> create, Func<T, Task<string>> digestOf, Func<T, Task> deleteAll)
        where T : DataGenFixture
    {
        var ct = TestContext.Current.CancellationToken;
        T first = create(), second = create(), other = create();
        try
        {
            await first.InitializeForAsync(typeof(TemplateProbe), ct);
            if (first.Unavailable is not null)
            {
                Assert.Skip(first.Unavailable);
            }

            await second.InitializeForAsync(typeof(TemplateProbe), ct);
            await other.InitializeForAsync(typeof(OtherTemplateProbe), ct);

            first.Cloned.Should().BeFalse("the first class with the data loads it");
            second.Cloned.Should().BeTrue("the next class with the same data gets a copy");
            other.Cloned.Should().BeFalse("another seed is other data");
            second.Counts.Should().BeEquivalentTo(first.Counts);
            (second.Seed, second.SeedSource, second.Data).Should().Be((first.Seed, first.SeedSource, first.Data));
            var digest = await digestOf(first);
            digest.Should().NotBeEmpty();
            (await digestOf(second)).Should().Be(digest);
            (await digestOf(other)).Should().NotBe(digest);

            // A class that writes changes neither the template nor another copy, and its restore works on the copy.
            await deleteAll(second);
            (await digestOf(second)).Should().BeEmpty();
            (await digestOf(first)).Should().Be(digest);
            await second.RestoreNowAsync(ct);
            (await digestOf(second)).Should().Be(digest);

            var third = create();
            try
            {
                await third.InitializeForAsync(typeof(TemplateProbe), ct);
                third.Cloned.Should().BeTrue();
                (await digestOf(third)).Should().Be(digest, "the template kept the baseline, not what a class did to its copy");
            }
            finally
            {
                await third.DisposeAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await other.DisposeAsync();
        }
    }

    [Fact]
    public Task Sqlite_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new SqliteFixture(), f => new SqliteConnection(f.ConnectionString));

    [Fact]
    public Task MySQL_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new MySqlFixture(), f => new MySqlConnector.MySqlConnection(f.ConnectionString));

    [Fact]
    public Task PostgreSQL_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new PostgresFixture(), f => new NpgsqlConnection(f.ConnectionString));

    /// <summary>SQL Server: the copy is a restore of the template's backup (runs where a SQL Server can: Actions).</summary>
    [Fact]
    public Task SQL_Server_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new SqlServerFixture(), f => new Microsoft.Data.SqlClient.SqlConnection(f.ConnectionString));

    /// <summary>MongoDB: the copy is made on the server, collection by collection (runs where a MongoDB can: Actions).</summary>
    [Fact]
    public Task MongoDB_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(
            () => new MongoFixture(),
            async f =>
            {
                var documents = await f.Database.GetCollection<BsonDocument>("customers")
                    .Find(FilterDefinition<BsonDocument>.Empty)
                    .Sort(new BsonDocument("_id", 1))
                    .ToListAsync(TestContext.Current.CancellationToken);
                return string.Join('\n', documents.Select(d => d.ToJson()));
            },
            f => f.Database.GetCollection<BsonDocument>("customers").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, TestContext.Current.CancellationToken));

    /// <summary>
    /// A class's PostgreSQL database goes to a later class with the same data when it ends (restored: no CREATE DATABASE,
    /// no DROP DATABASE), but only when the restore undoes everything: after a schema change it is dropped.
    /// </summary>
    [Fact]
    public async Task A_PostgreSQL_class_database_is_passed_on_restored_and_never_after_a_schema_change()
    {
        var ct = TestContext.Current.CancellationToken;
        async Task<(PostgresFixture Fixture, long Oid)> StartAsync()
        {
            var fixture = new PostgresFixture();
            await fixture.InitializeForAsync(typeof(PassOnProbe), ct);
            if (fixture.Unavailable is not null)
            {
                Assert.Skip(fixture.Unavailable);
            }

            await using var connection = await fixture.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand("SELECT oid::bigint FROM pg_database WHERE datname = current_database()", connection);
            return (fixture, (long)(await command.ExecuteScalarAsync(ct))!);
        }

        async Task<bool> ExistsAsync(PostgresFixture f, string table)
        {
            await using var connection = await f.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection);
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }

        var (first, firstOid) = await StartAsync();
        var digest = await DigestAsync(new NpgsqlConnection(first.ConnectionString));
        await ExecuteAsync(new NpgsqlConnection(first.ConnectionString), "UPDATE customers SET first_name = 'Changed' WHERE email < 'm'; DELETE FROM customers WHERE email >= 't'");
        await first.DisposeAsync();

        // Waiting now: the copy made ahead while the first class ran, and the first class's own database, restored.
        var (second, secondOid) = await StartAsync();
        second.Cloned.Should().BeTrue();
        (await DigestAsync(new NpgsqlConnection(second.ConnectionString))).Should().Be(digest, "it holds the baseline, not the first class's writes");
        await ExecuteAsync(new NpgsqlConnection(second.ConnectionString), "CREATE TABLE leaked (x int); ALTER TABLE customers ADD COLUMN extra int");
        await second.DisposeAsync();

        // Whatever is waiting now (what the first class left, and the second's database were it wrongly handed on)
        // goes to the next two classes.
        var (third, thirdOid) = await StartAsync();
        var (fourth, fourthOid) = await StartAsync();
        try
        {
            foreach (var later in new[] { third, fourth })
            {
                later.Cloned.Should().BeTrue();
                (await ExistsAsync(later, "leaked")).Should().BeFalse("a database whose schema changed is dropped, not passed on");
                (await DigestAsync(new NpgsqlConnection(later.ConnectionString))).Should().Be(digest);
            }

            new[] { thirdOid, fourthOid }.Should().NotContain(secondOid, "a database whose schema changed is dropped, not passed on");
            new[] { secondOid, thirdOid, fourthOid }.Should().Contain(firstOid, "the first class's database, restored, went on to a later class");
        }
        finally
        {
            await third.DisposeAsync();
            await fourth.DisposeAsync();
        }
    }
}

/// <summary>
/// Templates kept across runs. A "next run" is simulated by forgetting this process's template registry, which is
/// process-wide: these tests run in a collection of their own that xunit runs alone, after the parallel classes, so
/// no other class loses (or races on) the registry while they do.
/// </summary>
[Collection(nameof(ProcessGlobalState))]
public sealed class KeptTemplateTests
{
    /// <summary>
    /// Kept across runs: with container reuse a template stays on the server under the hash of its inputs; the next run
    /// (simulated by forgetting this process's templates) clones it; a changed input, or a template whose stored inputs
    /// do not match, is never reused.
    /// </summary>
    [Fact]
    public Task PostgreSQL_templates_are_kept_for_the_next_run_and_never_reused_when_an_input_changed() =>
        KeptTemplatesAsync(
            () => new KeepingPostgres(),
            f => new NpgsqlConnection(f.ConnectionString),
            "SELECT datname FROM pg_database WHERE datname ~ '^dg_tmpl_[0-9a-f]{40}$'",
            (f, name) => TemplateTests.ExecuteAsync(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(f.ConnectionString) { Database = name, Pooling = false }.ConnectionString), "UPDATE datagen_baseline.template SET info = replace(info, '\"Key\":\"', '\"Key\":\"0')"),
            name => $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    [Fact]
    public Task MySQL_templates_are_kept_for_the_next_run_and_never_reused_when_an_input_changed() =>
        KeptTemplatesAsync(
            () => new KeepingMySql(),
            f => new MySqlConnector.MySqlConnection(f.ConnectionString),
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME REGEXP '^dg_tmpl_[0-9a-f]{40}$'",
            (f, name) => TemplateTests.ExecuteAsync(new MySqlConnector.MySqlConnection(f.ConnectionString), $"UPDATE `{name}`.`__datagen_template` SET info = REPLACE(info, '\"Key\":\"', '\"Key\":\"0')"),
            name => $"DROP DATABASE IF EXISTS `{name}`");

    /// <summary>
    /// With templates kept (container reuse), the next run clones the template its inputs name; changed inputs make a
    /// template of their own; a template whose stored inputs do not match its name is never trusted.
    /// </summary>
    private static async Task KeptTemplatesAsync<T>(Func<T> create, Func<T, DbConnection> connect, string keptQuery, Func<T, string, Task> tamper, Func<string, string> drop)
        where T : DataGenFixture
    {
        var ct = TestContext.Current.CancellationToken;
        var fixtures = new List<T>();
        async Task<T> Start(Type? probe)
        {
            var fixture = create();
            fixtures.Add(fixture);
            await fixture.InitializeForAsync(probe, ct);
            return fixture;
        }

        async Task<List<string>> KeptAsync(T f)
        {
            await using var connection = connect(f);
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = keptQuery;
            await using var reader = await command.ExecuteReaderAsync(ct);
            var names = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        try
        {
            var first = await Start(typeof(KeptTemplateProbe));
            if (first.Unavailable is not null)
            {
                Assert.Skip(first.Unavailable);
            }

            var before = await KeptAsync(first);
            first.Cloned.Should().BeFalse("nothing was kept for these inputs yet");
            var digest = await TemplateTests.DigestAsync(connect(first));

            DataGenFixture.ForgetTemplates();
            var next = await Start(typeof(KeptTemplateProbe));
            next.Cloned.Should().BeTrue("the next run clones the kept template");
            (next.Seed, next.SeedSource, next.Data).Should().Be((first.Seed, first.SeedSource, first.Data));
            next.Counts.Should().BeEquivalentTo(first.Counts);
            (await TemplateTests.DigestAsync(connect(next))).Should().Be(digest);
            await TemplateTests.ExecuteAsync(connect(next), "DELETE FROM customers");
            await next.RestoreNowAsync(ct);
            (await TemplateTests.DigestAsync(connect(next))).Should().Be(digest, "a clone of a kept template restores like any other");

            DataGenFixture.ForgetTemplates();
            var changed = await Start(typeof(ChangedKeptTemplateProbe));
            changed.Cloned.Should().BeFalse("another seed is another template name");
            (await KeptAsync(first)).Except(before).Should().HaveCount(1, "the changed inputs kept a template of their own");

            // A kept template whose stored inputs differ from its name's (tampered, or a hash clash) is not used.
            foreach (var name in await KeptAsync(first))
            {
                await tamper(first, name);
            }

            DataGenFixture.ForgetTemplates();
            var distrusted = await Start(typeof(KeptTemplateProbe));
            distrusted.Cloned.Should().BeFalse("stored inputs that do not match are never trusted");
            (await TemplateTests.DigestAsync(connect(distrusted))).Should().Be(digest, "it loaded the same data itself");
        }
        finally
        {
            DataGenFixture.ForgetTemplates();
            foreach (var fixture in fixtures.ToList())
            {
                await fixture.DisposeAsync();
            }

            if (fixtures.FirstOrDefault(f => f.Unavailable is null) is not null)
            {
                var cleanup = await Start(null);
                foreach (var name in await KeptAsync(cleanup))
                {
                    await TemplateTests.ExecuteAsync(connect(cleanup), drop(name));
                }

                await cleanup.DisposeAsync();
            }
        }
    }
}
