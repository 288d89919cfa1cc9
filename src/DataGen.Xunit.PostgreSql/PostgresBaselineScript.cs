using System.Text;
using DataGen.PostgreSql;

namespace DataGen.Xunit;

/// <summary>
/// The script that captures a PostgreSQL baseline in the class's database: a copy of every loaded table in the kit's
/// schema, statement triggers on every table noting which were written, the sequences' values, the baseline's
/// transaction (rows with a newer <c>xmin</c> were written since) and, where the role may, an event trigger noting
/// schema changes (a database with one is never handed to the next class).
/// </summary>
internal static class PostgresBaselineScript
{
    /// <summary>An event trigger noting schema changes (not the kit's own), where the role may make one.</summary>
    private const string WatchSchemaChanges = """
        CREATE FUNCTION datagen_baseline.ddl_done() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c WHERE c.schema_name IS DISTINCT FROM 'datagen_baseline')
             AND EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()) THEN
            RETURN; -- the kit's own objects
          END IF;
          INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
        END $$;
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'datagen_ddl') THEN
            CREATE EVENT TRIGGER datagen_ddl ON ddl_command_end EXECUTE FUNCTION datagen_baseline.ddl_done();
          END IF;
        EXCEPTION WHEN insufficient_privilege THEN NULL;
        END $$;
        """;

    /// <summary>The capture script for the loaded <paramref name="tables"/> (<c>schema.table</c>).</summary>
    public static string Capture(IReadOnlyList<string> tables)
    {
        var sql = new StringBuilder("""
            DROP SCHEMA IF EXISTS datagen_baseline CASCADE;
            CREATE SCHEMA datagen_baseline;
            CREATE UNLOGGED TABLE datagen_baseline.dirty (name text PRIMARY KEY);
            -- SECURITY DEFINER: the application may write (or change the schema) as a role of its own, which needs no
            -- rights on the kit's schema for its statements to be noted.
            CREATE FUNCTION datagen_baseline.mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            BEGIN
              INSERT INTO datagen_baseline.dirty VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME) ON CONFLICT DO NOTHING;
              RETURN NULL;
            END $$;
            -- The newest transaction the baseline holds: a row whose xmin is newer was written (or rewritten) since.
            CREATE UNLOGGED TABLE datagen_baseline.since AS SELECT (txid_current() % 4294967296)::text::xid AS x;
            CREATE UNLOGGED TABLE datagen_baseline.sequences AS
              SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, start_value FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline');
            -- What keeps this database from being handed to the next class: a schema change, or a write the kit cannot
            -- undo (to a table it did not load, or one it could not watch).
            CREATE UNLOGGED TABLE datagen_baseline.ddl (at timestamptz NOT NULL DEFAULT now());
            -- Every table is watched, loaded or not: a write to one the kit cannot restore keeps the database from being
            -- handed to the next class (it gets a fresh copy instead). A table the role may not put a trigger on is noted.
            DO $$
            DECLARE t record;
            BEGIN
              FOR t IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline') AND n.nspname NOT LIKE 'pg_%' LOOP
                BEGIN
                  EXECUTE format('CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I.%I FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark()', t.nspname, t.relname);
                EXCEPTION WHEN insufficient_privilege OR duplicate_object THEN
                  INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
                END;
              END LOOP;
            END $$;

            """);
        foreach (var t in tables)
        {
            // Unlogged: the copy is the fixture's alone, never needs crash safety, and a template clone copies it without WAL.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE UNLOGGED TABLE datagen_baseline.{PostgresDialect.QuoteIdentifier(t)} AS TABLE {PostgresRestorePlan.Quote(t)};\n");

            // A loaded table must be watched (its restore depends on it): one the loop could not watch fails here, saying why.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'datagen_dirty' AND tgrelid = '{PostgresRestorePlan.Quote(t).Replace("'", "''", StringComparison.Ordinal)}'::regclass) THEN CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {PostgresRestorePlan.Quote(t)} FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark(); END IF; END $$;\n");
        }

        // Schema changes (DDL) are watched too where the role may create event triggers (a superuser: the container's).
        sql.Append(WatchSchemaChanges);
        return sql.ToString();
    }
}
