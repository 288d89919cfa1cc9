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

    private static PlannedTable[] Plan() => PostgresRestorePlan.Plan(["customers", "orders", "audit", "sales.lines"], References, Columns, Keys);

    [Fact]
    public void Postgres_plans_each_table_by_qualified_name_with_its_key_and_referencing_tables()
    {
        var plan = Plan().ToDictionary(t => t.Table);

        plan.Keys.Should().BeEquivalentTo(["public.customers", "public.orders", "public.audit", "sales.lines"]);
        plan["public.customers"].Key.Should().Be("\"id\"");
        plan["public.customers"].ReferencedBy.Should().Equal(["public.orders"], "a table's reference to itself does not block emptying it");
        plan["public.orders"].ReferencedBy.Should().Equal(["sales.lines"]);
        plan["public.audit"].Key.Should().BeNull("a table without a primary key is copied back whole");
        plan["sales.lines"].Key.Should().BeNull("a key with a column the restore cannot write (generated) is not used");
    }

    [Fact]
    public void Postgres_puts_back_only_dirty_tables_keyed_ones_by_difference()
    {
        var sql = PostgresRestorePlan.RestoreSql(Plan(), new HashSet<string>(["public.orders", "public.audit"], StringComparer.Ordinal))!;

        sql.Should().Contain("DELETE FROM \"public\".\"orders\" AS x WHERE age(x.xmin) < (SELECT age(x) FROM datagen_baseline.since);");
        sql.Should().Contain("INSERT INTO \"public\".\"orders\" (\"id\", \"customer_id\", \"total\") OVERRIDING SYSTEM VALUE SELECT b.\"id\", b.\"customer_id\", b.\"total\" FROM datagen_baseline.\"public.orders\" AS b WHERE NOT EXISTS (SELECT 1 FROM \"public\".\"orders\" AS x WHERE (x.\"id\") = (b.\"id\"));");
        sql.Should().Contain("TRUNCATE \"public\".\"audit\";", "nothing references the keyless table: it is truncated and copied back");
        sql.Should().Contain("INSERT INTO \"public\".\"audit\" (\"at\", \"what\") OVERRIDING SYSTEM VALUE SELECT \"at\", \"what\" FROM datagen_baseline.\"public.audit\";");
        sql.Should().NotContain("\"customers\"", "a table no test wrote is not touched");
        sql.Should().NotContain("\"lines\"");
        sql.Should().StartWith("BEGIN;").And.Contain("setval(").And.Contain("TRUNCATE datagen_baseline.dirty;").And.EndWith("COMMIT;");
    }

    [Fact]
    public void Postgres_empties_a_keyless_table_still_referenced_with_DELETE_not_TRUNCATE()
    {
        // orders (keyless here) is referenced by sales.lines, which is not emptied: TRUNCATE would refuse (or cascade).
        var plan = PostgresRestorePlan.Plan(["orders", "sales.lines"], References, Columns, new Dictionary<string, string>());
        var dirty = new HashSet<string>(["public.orders"], StringComparer.Ordinal);

        PostgresRestorePlan.Truncated(plan, dirty).Should().BeEmpty();
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
