namespace DataGen.Xunit.Tests;

/// <summary>
/// The stores' restore planners as plain functions, without a server: which tables are put back and how (PostgreSQL's
/// restore by difference, MySQL's checksum restore), and how SQL Server's Respawn setup names tables in other schemas.
/// </summary>
public sealed class RestorePlanTests
{
    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["public.customers"] = "\"id\", \"name\"",
        ["public.orders"] = "\"id\", \"customer_id\", \"total\"",
        ["public.audit"] = "\"at\", \"what\"",
        ["sales.lines"] = "\"order_id\", \"line\", \"amount\"",
    };

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["public.customers"] = "\"id\"",
        ["public.orders"] = "\"id\"",
        ["sales.lines"] = "\"order_id\", \"line\", \"total_generated\"",
    };

    private static readonly (string From, string To)[] References = [("public.orders", "public.customers"), ("sales.lines", "public.orders"), ("public.customers", "public.customers")];

    /// <summary>The key logs the baseline script made: every keyed table but one the triggers were refused on (no log).</summary>
    private static readonly Dictionary<string, string> Logs = new(StringComparer.Ordinal)
    {
        ["public.customers"] = "keys_16401",
        ["public.orders"] = "keys_16410",
        ["sales.lines"] = "keys_16420",
    };

    private static PlannedTable[] Plan() => PostgresRestorePlan.Plan(["customers", "orders", "audit", "sales.lines"], References, Columns, Keys, Logs);

    private static HashSet<string> Set(params string[] tables) => new(tables, StringComparer.Ordinal);

    [Fact]
    public void Postgres_plans_each_table_by_qualified_name_with_its_key_log_and_referencing_tables()
    {
        var plan = Plan().ToDictionary(t => t.Table);

        plan.Keys.Should().BeEquivalentTo(["public.customers", "public.orders", "public.audit", "sales.lines"]);
        (plan["public.customers"].Key, plan["public.customers"].Log).Should().Be(("\"id\"", "keys_16401"));
        plan["public.customers"].ReferencedBy.Should().Equal(["public.orders"], "a table's reference to itself does not block emptying it");
        plan["public.orders"].ReferencedBy.Should().Equal(["sales.lines"]);
        (plan["public.audit"].Key, plan["public.audit"].Log).Should().Be(((string?)null, (string?)null), "a table without a primary key is copied back whole");
        plan["sales.lines"].Key.Should().BeNull("a key with a column the restore cannot write (generated) is not used");
        plan["sales.lines"].Log.Should().BeNull();
        PostgresRestorePlan.WhyWhole(plan["public.audit"], Keys).Should().Contain("no primary key");
        PostgresRestorePlan.WhyWhole(plan["sales.lines"], Keys).Should().Contain("cannot be logged");
        PostgresRestorePlan.WhyWhole(plan["public.orders"], Keys).Should().BeNull();

        var unlogged = PostgresRestorePlan.Plan(["orders"], References, Columns, Keys, new Dictionary<string, string>()).Single();
        unlogged.Key.Should().BeNull("a key whose triggers were refused (no log) cannot say which rows changed");
    }

    [Fact]
    public void Postgres_puts_back_only_dirty_tables_keyed_ones_by_their_logged_keys()
    {
        var sql = PostgresRestorePlan.RestoreSql(Plan(), Set("public.orders", "public.audit"))!;

        sql.Should().Contain("DELETE FROM \"public\".\"orders\" AS x WHERE (x.\"id\") IN (SELECT \"id\" FROM datagen_baseline.\"keys_16410\");");
        sql.Should().Contain("INSERT INTO \"public\".\"orders\" (\"id\", \"customer_id\", \"total\") OVERRIDING SYSTEM VALUE SELECT b.\"id\", b.\"customer_id\", b.\"total\" FROM datagen_baseline.\"public.orders\" AS b WHERE (b.\"id\") IN (SELECT \"id\" FROM datagen_baseline.\"keys_16410\");");
        sql.Should().NotContain("DELETE FROM \"public\".\"orders\";", "a keyed table is never emptied whole after inserts, updates and deletes");
        sql.Should().Contain("TRUNCATE \"public\".\"audit\";", "nothing references the keyless table: it is truncated and copied back");
        sql.Should().Contain("INSERT INTO \"public\".\"audit\" (\"at\", \"what\") OVERRIDING SYSTEM VALUE SELECT \"at\", \"what\" FROM datagen_baseline.\"public.audit\";");
        sql.Should().NotContain("\"customers\"", "a table no test wrote is not touched").And.NotContain("keys_16401");
        sql.Should().NotContain("\"lines\"");
        sql.Should().StartWith("BEGIN;\nSET LOCAL session_replication_role = replica;").And.Contain("setval(").And.EndWith("COMMIT;");
        sql.Should().Contain("DELETE FROM datagen_baseline.dirty WHERE name IN ('public.audit', 'public.orders');\nDELETE FROM datagen_baseline.\"keys_16410\";\n", "the logs of the restored tables start empty again, and only the marks read for this restore go");
        sql.Should().Contain("LOCK TABLE datagen_baseline.dirty, datagen_baseline.\"keys_16410\" IN EXCLUSIVE MODE;", "a writer beside the tests waits for the restore before it notes anything");
        sql.Should().Contain("SET LOCAL enable_hashjoin = off;", "keys are looked up by index, never by scanning the table for a hash join");
        sql.Should().Contain("SET LOCAL synchronous_commit = off;", "a restore does not wait for its WAL to reach the disk");
    }

    [Fact]
    public void Postgres_copies_back_whole_a_keyed_table_the_test_truncated()
    {
        // customers emptied by TRUNCATE (no keys logged for its rows); orders, referencing it, only written.
        var sql = PostgresRestorePlan.RestoreSql(Plan(), Set("public.customers", "public.orders"), Set("public.customers"))!;

        sql.Should().Contain("DELETE FROM \"public\".\"customers\";\nINSERT INTO \"public\".\"customers\" (\"id\", \"name\") OVERRIDING SYSTEM VALUE SELECT \"id\", \"name\" FROM datagen_baseline.\"public.customers\";",
            "orders still references it and is not emptied: DELETE, not TRUNCATE");
        sql.Should().Contain("WHERE (x.\"id\") IN (SELECT \"id\" FROM datagen_baseline.\"keys_16410\")", "orders is still restored by its keys");
        sql.Should().Contain("DELETE FROM datagen_baseline.dirty WHERE name IN ('public.customers', 'public.orders');\nDELETE FROM datagen_baseline.\"keys_16401\";\nDELETE FROM datagen_baseline.\"keys_16410\";\n");

        var both = PostgresRestorePlan.RestoreSql(Plan(), Set("public.customers", "public.orders", "sales.lines"), Set("public.customers", "public.orders"))!;
        both.Should().Contain("TRUNCATE \"public\".\"customers\", \"public\".\"orders\", \"sales\".\"lines\";", "every table referencing them is emptied too");
    }

    [Fact]
    public void Postgres_copies_back_every_loaded_table_after_a_schema_change()
    {
        var sql = PostgresRestorePlan.RestoreSql(Plan(), Set(), schemaChanged: true)!;

        foreach (var table in new[] { "customers", "orders", "audit" })
        {
            sql.Should().Contain($"SELECT * FROM datagen_baseline.\"public.{table}\"".Replace("*", Columns[$"public.{table}"], StringComparison.Ordinal), "a schema change may have touched any loaded table");
        }

        sql.Should().Contain("TRUNCATE \"public\".\"customers\", \"public\".\"orders\", \"public\".\"audit\", \"sales\".\"lines\";");
        sql.Should().Contain("UPDATE datagen_baseline.ddl SET seen = true WHERE NOT seen;", "the change is noted as seen: the next restore is by key again");
        sql.Should().NotContain(" IN (SELECT ");
    }

    [Fact]
    public void Postgres_empties_a_keyless_table_still_referenced_with_DELETE_not_TRUNCATE()
    {
        // orders (keyless here) is referenced by sales.lines, which is not emptied: TRUNCATE would refuse (or cascade).
        var plan = PostgresRestorePlan.Plan(["orders", "sales.lines"], References, Columns, new Dictionary<string, string>());
        var dirty = new HashSet<string>(["public.orders"], StringComparer.Ordinal);

        PostgresRestorePlan.Truncated(plan, dirty).Should().BeEmpty();
        plan.Should().OnlyContain(t => t.Log == null, "no key logs were given: every table is copied back whole");
        PostgresRestorePlan.RestoreSql(plan, dirty).Should().Contain("DELETE FROM \"public\".\"orders\";").And.NotContain("TRUNCATE \"public\"");

        var both = new HashSet<string>(["public.orders", "sales.lines"], StringComparer.Ordinal);
        PostgresRestorePlan.Truncated(plan, both).Should().BeEquivalentTo(["public.orders", "sales.lines"]);
        PostgresRestorePlan.RestoreSql(plan, both).Should().Contain("TRUNCATE \"public\".\"orders\", \"sales\".\"lines\";");
    }

    [Fact]
    public void Postgres_restores_nothing_when_nothing_is_dirty_and_quotes_hostile_names()
    {
        PostgresRestorePlan.RestoreSql(Plan(), new HashSet<string>(StringComparer.Ordinal)).Should().BeNull();

        var plan = PostgresRestorePlan.Plan(["we\"ird.Order Lines"], [], new Dictionary<string, string>(), new Dictionary<string, string>());
        plan.Single().Table.Should().Be("we\"ird.Order Lines");
        PostgresRestorePlan.RestoreSql(plan, new HashSet<string>(["we\"ird.Order Lines"], StringComparer.Ordinal))
            .Should().Contain("TRUNCATE \"we\"\"ird\".\"Order Lines\";")
            .And.Contain("SELECT * FROM datagen_baseline.\"we\"\"ird.Order Lines\";");
    }

    [Fact]
    public void MySql_finds_tables_whose_checksum_or_next_auto_increment_moved_or_that_went()
    {
        MySqlTable[] baseline = [new("a", "`x`", "11|5"), new("b", "`y`", "22|"), new("c", "*", "33|"), new("d", "*", "44|")];
        var now = new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = "11|6", ["b"] = "22|", ["c"] = "34|" };

        MySqlRestorePlan.Dirty(baseline, now).Select(t => t.Table).Should().Equal("a", "c", "d");
    }

    [Fact]
    public void MySql_copies_dirty_tables_back_from_the_baseline_database_with_their_auto_increment()
    {
        MySqlTable[] dirty = [new("orders", "`id`, `total`", "11|501"), new("we`ird", "*", "null|")];

        var sql = MySqlRestorePlan.RestoreSql(dirty, "dg_x_baseline")!;

        sql.Should().StartWith("SET FOREIGN_KEY_CHECKS = 0;").And.EndWith("SET FOREIGN_KEY_CHECKS = 1;");
        sql.Should().Contain("TRUNCATE TABLE `orders`;\nINSERT INTO `orders` (`id`, `total`) SELECT `id`, `total` FROM `dg_x_baseline`.`orders`;\nALTER TABLE `orders` AUTO_INCREMENT = 501;");
        sql.Should().Contain("INSERT INTO `we``ird` SELECT * FROM `dg_x_baseline`.`we``ird`;");
        sql.Should().NotContain("ALTER TABLE `we``ird`", "a table without AUTO_INCREMENT keeps none");
        MySqlRestorePlan.RestoreSql([], "dg_x_baseline").Should().BeNull();
    }

    [Fact]
    public void MySql_states_read_nulls_and_numbers_the_same_way_every_time()
    {
        MySqlRestorePlan.State(DBNull.Value, DBNull.Value).Should().Be("null|");
        MySqlRestorePlan.State(123456789L, 42UL).Should().Be("123456789|42");
        MySqlRestorePlan.CaptureSql("b", ["t"], new Dictionary<string, string> { ["t"] = "`k`" })
            .Should().Contain("CREATE TABLE `b`.`t` LIKE `t`;").And.Contain("INSERT INTO `b`.`t` (`k`) SELECT `k` FROM `t`;");
    }

    [Theory]
    [InlineData("orders", "dbo", "orders")]
    [InlineData("sales.orders", "sales", "orders")]
    public void SqlServer_resets_tables_in_their_own_schema(string target, string schema, string name)
    {
        var table = SqlServerStrategy.TableOf(target);
        (table.Schema, table.Name).Should().Be((schema, name));
    }
}
