using System.Globalization;
using Npgsql;

namespace DataGen.Xunit.Tests;

/// <summary>
/// PostgreSQL's restore by logged keys on a real server, through the public <see cref="PostgresStrategy.For"/>: a schema
/// with a serial and an identity key, a composite key, a stored generated column, deferred foreign keys in a cycle, a
/// keyless table and an application trigger. After inserts, updates (keys too), deletes, TRUNCATE and a schema change,
/// every loaded table and every sequence is byte-identical to the baseline, and rows the test did not touch are not
/// rewritten.
/// </summary>
public sealed class PostgresRestoreTests(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    private static readonly string[] Loaded = ["app.customers", "app.orders", "app.lines", "app.notes"];

    private const string Schema = """
        DROP SCHEMA IF EXISTS app CASCADE;
        CREATE SCHEMA app;
        CREATE TABLE app.customers (id serial PRIMARY KEY, name text NOT NULL, best_order bigint);
        CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id int NOT NULL REFERENCES app.customers (id) DEFERRABLE INITIALLY DEFERRED,
          total numeric(10, 2) NOT NULL, doubled numeric GENERATED ALWAYS AS (total * 2) STORED);
        ALTER TABLE app.customers ADD FOREIGN KEY (best_order) REFERENCES app.orders (id) DEFERRABLE INITIALLY DEFERRED;
        CREATE TABLE app.lines (order_id bigint NOT NULL REFERENCES app.orders (id), line int NOT NULL, sku text NOT NULL, PRIMARY KEY (line, order_id));
        CREATE TABLE app.notes (at int, body text);
        CREATE TABLE app.audit (what text NOT NULL);
        CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO app.audit VALUES (TG_OP || ' ' || TG_TABLE_NAME); RETURN NULL; END $$;
        CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.audit();
        INSERT INTO app.customers (name) SELECT 'customer ' || i FROM generate_series(1, 300) i;
        INSERT INTO app.orders (customer_id, total) SELECT 1 + i % 300, i * 1.25 FROM generate_series(1, 900) i;
        UPDATE app.customers SET best_order = id * 3;
        INSERT INTO app.lines SELECT o, l, 'SKU-' || o || '-' || l FROM generate_series(1, 900) o, generate_series(1, 3) l;
        INSERT INTO app.notes SELECT i, 'note ' || i FROM generate_series(1, 40) i;
        INSERT INTO app.notes SELECT 1, 'note 1' FROM generate_series(1, 3);
        TRUNCATE app.audit;
        """;

    /// <summary>The loaded tables' rows (stored generated columns included) and both sequences, as one text.</summary>
    private const string Digest = """
        SELECT string_agg(h, ',') FROM (
          SELECT md5(string_agg(c::text, '|' ORDER BY c::text)) AS h FROM app.customers c
          UNION ALL SELECT md5(string_agg(o::text, '|' ORDER BY o::text)) FROM app.orders o
          UNION ALL SELECT md5(string_agg(l::text, '|' ORDER BY l::text)) FROM app.lines l
          UNION ALL SELECT md5(string_agg(n::text, '|' ORDER BY n::text)) FROM app.notes n
          UNION ALL SELECT last_value || '/' || is_called FROM app.customers_id_seq
          UNION ALL SELECT last_value || '/' || is_called FROM app.orders_id_seq) x
        """;

    private async Task<PostgresStrategy> BaselineAsync()
    {
        Assert.SkipWhen(db.Unavailable is not null, db.Unavailable ?? string.Empty);
        await ExecuteAsync(Schema);
        var strategy = PostgresStrategy.For(db.ConnectionString);
        await strategy.CaptureBaselineAsync(Loaded, TestContext.Current.CancellationToken);
        return strategy;
    }

    private async Task<string> QueryAsync(string sql)
    {
        await using var connection = await db.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private Task ExecuteAsync(string sql) => QueryAsync(sql + ";\nSELECT 0");

    /// <summary>Runs <paramref name="change"/>, restores, and checks every table and sequence is back; returns the rows rewritten in orders.</summary>
    private async Task AssertUndoneAsync(PostgresStrategy strategy, string change)
    {
        var before = await QueryAsync(Digest);
        await ExecuteAsync(change);
        (await QueryAsync(Digest)).Should().NotBe(before, "the change must have changed something");
        (await strategy.HasChangedAsync(TestContext.Current.CancellationToken)).Should().BeTrue();

        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);

        (await QueryAsync(Digest)).Should().Be(before);
        (await strategy.HasChangedAsync(TestContext.Current.CancellationToken)).Should().BeFalse("a restore leaves nothing noted");
    }

    [Fact]
    public async Task Inserts_updates_key_changes_and_deletes_in_deferred_cycles_are_undone_rows_and_sequences()
    {
        var strategy = await BaselineAsync();

        await AssertUndoneAsync(strategy, """
            BEGIN;
            INSERT INTO app.customers (name) VALUES ('new'), ('newer');
            INSERT INTO app.orders (customer_id, total) SELECT currval('app.customers_id_seq'), 9.99;
            UPDATE app.customers SET best_order = currval('app.orders_id_seq'), name = 'changed' WHERE id = 5;
            UPDATE app.customers SET id = 100000 WHERE id = 300;
            UPDATE app.orders SET customer_id = 100000 WHERE customer_id = 300;
            INSERT INTO app.orders (id, customer_id, total) OVERRIDING SYSTEM VALUE VALUES (5000, 5, 1);
            UPDATE app.orders SET total = total + 1 WHERE id % 10 = 0;
            UPDATE app.lines SET line = line + 10 WHERE order_id = 7;
            DELETE FROM app.lines WHERE order_id BETWEEN 20 AND 30;
            UPDATE app.customers SET best_order = NULL WHERE best_order BETWEEN 20 AND 30;
            DELETE FROM app.orders WHERE id BETWEEN 20 AND 30;
            DELETE FROM app.notes WHERE at = 1;
            INSERT INTO app.notes VALUES (1, 'note 1'), (99, 'other');
            COMMIT
            """);

        // Rows the restore put back are ordinary rows again: changed again, they are restored again.
        await AssertUndoneAsync(strategy, "UPDATE app.orders SET total = 0 WHERE id BETWEEN 15 AND 25; DELETE FROM app.lines WHERE order_id = 24; INSERT INTO app.lines VALUES (25, 9, 'again')");
    }

    [Fact]
    public async Task Only_the_rows_a_test_wrote_are_rewritten_and_the_application_s_triggers_do_not_fire()
    {
        var strategy = await BaselineAsync();
        var untouched = await QueryAsync("SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM app.orders WHERE id > 10");
        var log = await QueryAsync("SELECT 'keys_' || 'app.orders'::regclass::oid");

        await ExecuteAsync("DELETE FROM app.lines WHERE order_id = 5; UPDATE app.orders SET total = -1 WHERE id <= 10; DELETE FROM app.orders WHERE id = 5; INSERT INTO app.orders (customer_id, total) VALUES (1, 2)");
        (await QueryAsync($"SELECT count(DISTINCT id) FROM datagen_baseline.{log}")).Should().Be("11", "ten updated keys (one then deleted) and one inserted key are logged");
        var audited = await QueryAsync("SELECT count(*) FROM app.audit");
        audited.Should().Be("12", "the application's trigger saw the test's writes");

        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);

        (await QueryAsync("SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM app.orders WHERE id > 10")).Should().Be(untouched, "rows under keys the test did not write are left as they are");
        (await QueryAsync("SELECT count(*) FROM app.audit")).Should().Be(audited, "the restore's own writes fire no application trigger");
        (await QueryAsync($"SELECT count(*) FROM datagen_baseline.{log}")).Should().Be("0", "the key log starts empty again");
        (await QueryAsync("SELECT count(*) FROM app.orders WHERE total = -1 OR id > 900")).Should().Be("0");
    }

    [Fact]
    public async Task Truncated_tables_are_copied_back_whole_cascades_included()
    {
        var strategy = await BaselineAsync();

        await AssertUndoneAsync(strategy, "TRUNCATE app.notes; TRUNCATE app.customers CASCADE; INSERT INTO app.customers (name) VALUES ('after the truncate')");
        await AssertUndoneAsync(strategy, "TRUNCATE app.lines; INSERT INTO app.lines VALUES (1, 1, 'same key, other row')");
    }

    [Fact]
    public async Task A_schema_change_copies_every_loaded_table_back_whole_once_and_the_next_restore_is_by_key_again()
    {
        var strategy = await BaselineAsync();
        var before = await QueryAsync(Digest);

        // A strategy made with For has no template to copy the database from: the data comes back, the new column stays.
        await ExecuteAsync("ALTER TABLE app.notes ADD COLUMN extra int DEFAULT 7");
        await ExecuteAsync("UPDATE app.customers SET name = 'x' WHERE id < 5");
        await ExecuteAsync("ALTER TABLE app.orders DISABLE TRIGGER datagen_dirty");
        await ExecuteAsync("UPDATE app.orders SET total = -5 WHERE id = 299");
        await ExecuteAsync("ALTER TABLE app.orders ENABLE TRIGGER datagen_dirty");
        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);

        (await QueryAsync("SELECT count(*) FROM app.customers WHERE name = 'x'")).Should().Be("0");
        (await QueryAsync("SELECT count(*) FROM app.orders WHERE total = -5")).Should().Be("0", "every loaded table was copied back, even one no dirty-table trigger saw written");
        await ExecuteAsync("ALTER TABLE app.notes DROP COLUMN extra");
        (await QueryAsync(Digest)).Should().Be(before);

        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);
        await AssertUndoneAsync(strategy, "UPDATE app.orders SET total = 1 WHERE id = 3");
    }
    [Fact]
    public async Task A_temporary_table_is_no_schema_change_and_a_dropped_table_is_one()
    {
        var strategy = await BaselineAsync();

        // An application's bulk upsert through a temporary table, dropped again: nothing the restore must undo.
        await ExecuteAsync("CREATE TEMP TABLE staged (id int PRIMARY KEY, name text); INSERT INTO staged VALUES (1, 'a'); CREATE INDEX ON staged (name); DROP TABLE staged");
        (await strategy.HasChangedAsync(TestContext.Current.CancellationToken)).Should().BeFalse("temporary objects change no schema the baseline depends on");
        (await QueryAsync("SELECT count(*) FROM datagen_baseline.ddl")).Should().Be("0");

        // Dropping a real table is one (its drop reports no command at ddl_command_end, only at sql_drop).
        await ExecuteAsync("CREATE TABLE app.scratch (id int)");
        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);
        (await strategy.HasChangedAsync(TestContext.Current.CancellationToken)).Should().BeFalse();
        await ExecuteAsync("DROP TABLE app.scratch");
        (await strategy.HasChangedAsync(TestContext.Current.CancellationToken)).Should().BeTrue("a dropped table is a schema change");
        await strategy.RestoreBaselineAsync(TestContext.Current.CancellationToken);
    }
}
