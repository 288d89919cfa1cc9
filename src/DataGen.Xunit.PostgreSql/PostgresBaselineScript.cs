using System.Text;
using DataGen.PostgreSql;

namespace DataGen.Xunit;

/// <summary>
/// The script that captures a PostgreSQL baseline in the class's database: a copy of every loaded table in the kit's
/// schema, statement triggers on every table noting which were written (and which emptied by TRUNCATE), on each loaded
/// table with a primary key statement triggers logging the keys a test inserted, updated or deleted (its transition
/// tables: one statement per statement of the test, whatever the rows), the sequences' values and, where the role may,
/// an event trigger noting schema changes (a database with one is never handed to the next class).
/// </summary>
internal static class PostgresBaselineScript
{
    /// <summary>An event trigger noting schema changes (not the kit's own), where the role may make one.</summary>
    private const string WatchSchemaChanges = """
        CREATE FUNCTION datagen_baseline.ddl_done() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
          -- Not the kit's own objects, and not temporary ones (an application's bulk upsert through a temp table
          -- changes no schema a restore depends on). Drops report no commands here: ddl_dropped judges those.
          IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() c
                     WHERE c.schema_name IS DISTINCT FROM 'datagen_baseline' AND coalesce(c.schema_name, '') NOT LIKE 'pg\_temp%') THEN
            INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
          END IF;
        END $$;
        CREATE FUNCTION datagen_baseline.ddl_dropped() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() d
                     WHERE NOT d.is_temporary AND d.schema_name IS DISTINCT FROM 'datagen_baseline' AND coalesce(d.schema_name, '') NOT LIKE 'pg\_temp%') THEN
            INSERT INTO datagen_baseline.ddl DEFAULT VALUES;
          END IF;
        END $$;
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'datagen_ddl') THEN
            CREATE EVENT TRIGGER datagen_ddl ON ddl_command_end EXECUTE FUNCTION datagen_baseline.ddl_done();
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'datagen_ddl_drop') THEN
            CREATE EVENT TRIGGER datagen_ddl_drop ON sql_drop EXECUTE FUNCTION datagen_baseline.ddl_dropped();
          END IF;
        EXCEPTION WHEN insufficient_privilege THEN NULL;
        END $$;
        """;

    /// <summary>
    /// Gives a loaded table with a primary key a key log (<c>keys_OID</c>, the key's columns), three statement triggers
    /// filling it and an index on its baseline copy's key. A table it cannot log (no key, partitioned, a partition, with
    /// inheritance children, triggers refused) gets none: its restore copies it back whole.
    /// </summary>
    private const string LogKeys = """
        CREATE FUNCTION datagen_baseline.log_keys(t regclass, copy text) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE k text; l text := 'keys_' || t::oid;
        BEGIN
          SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum)) INTO k
            FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = t AND i.indisprimary;
          IF k IS NULL OR EXISTS (SELECT 1 FROM pg_class WHERE oid = t AND (relkind <> 'r' OR relispartition OR relhassubclass)) THEN
            RETURN;
          END IF;
          BEGIN
            EXECUTE format('CREATE UNLOGGED TABLE datagen_baseline.%I AS SELECT %s FROM %s WITH NO DATA', l, k, t);
            EXECUTE format('CREATE UNIQUE INDEX ON datagen_baseline.%s (%s)', copy, k);
            EXECUTE format('CREATE TRIGGER datagen_keys_i AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.keys(%L, %L)', t, l, k);
            EXECUTE format('CREATE TRIGGER datagen_keys_u AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.keys(%L, %L)', t, l, k);
            EXECUTE format('CREATE TRIGGER datagen_keys_d AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.keys(%L, %L)', t, l, k);
            -- Known empty to the planner: a restore's join to the log then looks keys up by index, never scanning the table.
            EXECUTE format('ANALYZE datagen_baseline.%I', l);
          EXCEPTION WHEN insufficient_privilege OR feature_not_supported OR duplicate_object OR object_not_in_prerequisite_state THEN
            RETURN; -- no log: the table is copied back whole after a test writes it (the planner says so)
          END;
        END $$;

        """;

    /// <summary>A <c>schema.table</c> name quoted, as an SQL string (for <c>::regclass</c>).</summary>
    private static string Literal(string qualified) => PostgresRestorePlan.SqlText(PostgresRestorePlan.Quote(qualified));

    /// <summary>The capture script for the loaded <paramref name="tables"/> (<c>schema.table</c>).</summary>
    public static string Capture(IReadOnlyList<string> tables)
    {
        var sql = new StringBuilder("""
            DROP SCHEMA IF EXISTS datagen_baseline CASCADE;
            CREATE SCHEMA datagen_baseline;
            -- whole: emptied by TRUNCATE (no key was logged for its rows), so the table is copied back whole.
            CREATE UNLOGGED TABLE datagen_baseline.dirty (name text PRIMARY KEY, whole boolean NOT NULL);
            -- SECURITY DEFINER: the application may write (or change the schema) as a role of its own, which needs no
            -- rights on the kit's schema for its statements to be noted.
            CREATE FUNCTION datagen_baseline.mark() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            BEGIN
              INSERT INTO datagen_baseline.dirty AS d VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP = 'TRUNCATE')
                ON CONFLICT (name) DO UPDATE SET whole = true WHERE excluded.whole AND NOT d.whole;
              RETURN NULL;
            END $$;
            -- The keys a statement wrote, from its transition tables, into the table's key log (TG_ARGV: log, key columns).
            CREATE FUNCTION datagen_baseline.keys() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                EXECUTE format('INSERT INTO datagen_baseline.%I SELECT %s FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
              ELSIF TG_OP = 'DELETE' THEN
                EXECUTE format('INSERT INTO datagen_baseline.%I SELECT %s FROM old_rows', TG_ARGV[0], TG_ARGV[1]);
              ELSE
                EXECUTE format('INSERT INTO datagen_baseline.%I SELECT %2$s FROM old_rows UNION SELECT %2$s FROM new_rows', TG_ARGV[0], TG_ARGV[1]);
              END IF;
              RETURN NULL;
            END $$;
            CREATE UNLOGGED TABLE datagen_baseline.sequences AS
              SELECT format('%I.%I', schemaname, sequencename) AS name, last_value, start_value FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'datagen_baseline');
            -- What keeps this database from being handed to the next class: a schema change, or a write the kit cannot
            -- undo (to a table it did not load, or one it could not watch).
            -- seen: a restore has noticed it already (and put the tables back whole once).
            CREATE UNLOGGED TABLE datagen_baseline.ddl (at timestamptz NOT NULL DEFAULT now(), seen boolean NOT NULL DEFAULT false);
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
                  -- Seen already: it keeps the database from being handed on, but is no change a restore must undo.
                  INSERT INTO datagen_baseline.ddl (seen) VALUES (true);
                END;
              END LOOP;
            END $$;


            """);
        sql.Append(LogKeys);
        foreach (var t in tables)
        {
            // Unlogged: the copy is the fixture's alone, never needs crash safety, and a template clone copies it without WAL.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"CREATE UNLOGGED TABLE datagen_baseline.{PostgresDialect.QuoteIdentifier(t)} AS TABLE {PostgresRestorePlan.Quote(t)};\n");

            // A loaded table must be watched (its restore depends on it): one the loop could not watch fails here, saying why.
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'datagen_dirty' AND tgrelid = {Literal(t)}::regclass) THEN CREATE TRIGGER datagen_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {PostgresRestorePlan.Quote(t)} FOR EACH STATEMENT EXECUTE FUNCTION datagen_baseline.mark(); END IF; END $$;\n");
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"SELECT datagen_baseline.log_keys({Literal(t)}::regclass, {PostgresRestorePlan.SqlText(PostgresDialect.QuoteIdentifier(t))});\n");
        }

        sql.Append("DROP FUNCTION datagen_baseline.log_keys(regclass, text);\n");

        // Schema changes (DDL) are watched too where the role may create event triggers (a superuser: the container's).
        sql.Append(WatchSchemaChanges);
        return sql.ToString();
    }
}
