using DataGen.Schemas;

namespace DataGen.Core.Tests.Schemas;

/// <summary>The scaffold turns a described schema into a manifest that loads and generates as it stands.</summary>
public sealed class ManifestScaffoldTests
{
    private static ColumnSchema Column(string name, ValueKind kind, bool nullable = false, bool identity = false, int? maxLength = null, string? type = null) =>
        new(name, type ?? kind.ToString().ToLowerInvariant(), kind) { Nullable = nullable, Identity = identity, MaxLength = maxLength };

    /// <summary>Departments and employees reference each other (a cycle); employees have managers (a hierarchy); a join table and a lookup.</summary>
    private static DatabaseSchema Company() => new(
    [
        new TableSchema("hr", "department", [Column("id", ValueKind.Integer, identity: true), Column("name", ValueKind.String, maxLength: 30), Column("head_id", ValueKind.Integer, nullable: true)])
        {
            PrimaryKey = ["id"],
            UniqueKeys = [["name"]],
            ForeignKeys = [new ForeignKeySchema(["head_id"], "hr.employee", ["id"])],
        },
        new TableSchema("hr", "employee", [
            Column("id", ValueKind.Integer, identity: true),
            Column("first_name", ValueKind.String, maxLength: 8),
            Column("email", ValueKind.String, maxLength: 60),
            Column("department_id", ValueKind.Integer),
            Column("manager_id", ValueKind.Integer, nullable: true),
            Column("grade", ValueKind.String),
            Column("level", ValueKind.Integer),
            Column("hired", ValueKind.Date),
            Column("left", ValueKind.Date, nullable: true),
            new ColumnSchema("search", "tsvector", ValueKind.Unknown) { Computed = true },
            Column("my column", ValueKind.String, nullable: true),
        ])
        {
            PrimaryKey = ["id"],
            UniqueKeys = [["email"]],
            ForeignKeys = [new ForeignKeySchema(["department_id"], "hr.department", ["id"]), new ForeignKeySchema(["manager_id"], "hr.employee", ["id"]), new ForeignKeySchema(["grade"], "hr.grade", ["code"])],
            Checks = ["(level >= 1) AND (level <= 5)", "(\"left\" >= hired)", "lower(email) = email"],
        },
        new TableSchema("hr", "grade", [Column("code", ValueKind.String, maxLength: 2)]) { PrimaryKey = ["code"], Checks = ["code IN ('A', 'B', 'C')"] },
        new TableSchema("hr", "skill", [Column("id", ValueKind.Uuid), Column("label", ValueKind.String)]) { PrimaryKey = ["id"] },
        new TableSchema("hr", "employee_skill", [Column("employee_id", ValueKind.Integer), Column("skill_id", ValueKind.Uuid)])
        {
            PrimaryKey = ["employee_id", "skill_id"],
            ForeignKeys = [new ForeignKeySchema(["employee_id"], "hr.employee", ["id"]), new ForeignKeySchema(["skill_id"], "hr.skill", ["id"])],
        },
    ]);

    [Fact]
    public async Task A_scaffolded_manifest_is_valid_and_its_rows_keep_every_constraint()
    {
        var yaml = ManifestScaffold.Write(Company(), new ScaffoldOptions { Kind = "postgres", Rows = 200 });
        var manifest = TestGeneration.Parse(yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = "x" }, Environment = _ => null });

        var rows = await TestGeneration.RecordsAsync(manifest);

        var employees = rows["employee"];
        employees.Should().HaveCount(200);
        var ids = employees.Select(e => e["id"]).ToHashSet();
        employees.Select(e => e["email"]).Should().OnlyHaveUniqueItems();
        employees.Should().OnlyContain(e => ((string)e["first_name"]!).Length <= 8);
        employees.Should().OnlyContain(e => (long)e["level"]! >= 1 && (long)e["level"]! <= 5);
        employees.Should().OnlyContain(e => e["left"] == null || (DateOnly)e["left"]! >= (DateOnly)e["hired"]!);
        employees.Should().OnlyContain(e => new[] { "A", "B", "C" }.Contains(e["grade"]));
        employees.Where(e => e["manager_id"] is not null).Should().OnlyContain(e => ids.Contains(e["manager_id"]) && (long)e["manager_id"]! < (long)e["id"]!, "a manager is an earlier employee");
        employees.Should().Contain(e => e["manager_id"] == null, "some employees are roots");
        employees[0].Should().NotContainKey("search", "computed columns are the database's");
        var departments = rows["department"];
        departments.Where(d => d["head_id"] is not null).Should().NotBeEmpty("the cycle is cut at the department's head, written with the row: employees' sequence keys are known ahead")
            .And.OnlyContain(d => ids.Contains(d["head_id"]));
        employees.Should().OnlyContain(e => departments.Any(d => Equals(d["id"], e["department_id"])));
        rows["grade"].Should().HaveCount(3, "a key of three allowed values has three rows");
        rows["employee_skill"].Select(r => (r["employee_id"], r["skill_id"])).Should().OnlyHaveUniqueItems();
        yaml.Should().Contain("table: hr.employee").And.Contain("deferred: true").And.Contain("foreign-key cycle through hr.employee: written with the row (its keys are known ahead)").And.Contain("\"my column\" is not a valid field name").And.Contain("CHECK not turned into values").And.Contain("connection: \"{{connection}}\"");
    }

    [Fact]
    public void Settings_can_be_written_instead_of_the_connection_variable()
    {
        var yaml = ManifestScaffold.Write(Company(), new ScaffoldOptions { Kind = "sqlite", Settings = new Dictionary<string, string> { ["path"] = "shop.db" } });

        yaml.Should().Contain("path: \"shop.db\"").And.NotContain("variables:");
        TestGeneration.Parse(yaml).Models.Should().HaveCount(5);
    }

    [Fact]
    public void The_same_schema_scaffolds_the_same_text()
    {
        ManifestScaffold.Write(Company(), new ScaffoldOptions { Kind = "postgres" }).Should().Be(ManifestScaffold.Write(Company(), new ScaffoldOptions { Kind = "postgres" }));
    }

    [Fact]
    public void A_column_a_trigger_assigns_before_insert_is_left_to_it_and_not_required()
    {
        var schema = new DatabaseSchema([
            new TableSchema("public", "film", [Column("film_id", ValueKind.Integer), Column("title", ValueKind.String), new ColumnSchema("fulltext", "tsvector", ValueKind.String) { FilledByTrigger = "film_fulltext_trigger" }]) { PrimaryKey = ["film_id"] },
        ]);

        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres" });

        yaml.Should().Contain("# column \"fulltext\" is set by trigger film_fulltext_trigger before each insert: left to it").And.NotContain("fulltext:");
        schema.Tables[0].Column("fulltext")!.FilledByDatabase.Should().BeTrue("validation does not require a NOT NULL column a trigger fills");
    }

    [Fact]
    public async Task A_bill_of_materials_keeps_its_two_case_check_and_never_makes_a_product_its_own_component()
    {
        // AdventureWorks' production.billofmaterials: two refs to one table that must differ, and a CHECK of two cases.
        var schema = new DatabaseSchema([
            new TableSchema("production", "product", [Column("productid", ValueKind.Integer, identity: true), Column("name", ValueKind.String, maxLength: 50)]) { PrimaryKey = ["productid"] },
            new TableSchema("production", "billofmaterials", [
                Column("billofmaterialsid", ValueKind.Integer, identity: true),
                Column("productassemblyid", ValueKind.Integer, nullable: true),
                Column("componentid", ValueKind.Integer),
                Column("bomlevel", ValueKind.Integer),
                Column("perassemblyqty", ValueKind.Decimal),
                Column("startdate", ValueKind.DateTime),
                Column("enddate", ValueKind.DateTime, nullable: true),
            ])
            {
                PrimaryKey = ["billofmaterialsid"],
                ForeignKeys = [new ForeignKeySchema(["productassemblyid"], "production.product", ["productid"]), new ForeignKeySchema(["componentid"], "production.product", ["productid"])],
                Checks = ["(productassemblyid <> componentid)", "(((productassemblyid IS NULL) AND (bomlevel = 0) AND (perassemblyqty = 1.00)) OR ((productassemblyid IS NOT NULL) AND (bomlevel >= 1)))", "(perassemblyqty >= 1.00)", "((enddate > startdate) OR (enddate IS NULL))"],
            },
        ]);

        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres", Rows = 300 });
        var rows = (await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = "x" }, Environment = _ => null, Scale = 10 })))["billofmaterials"];

        yaml.Should().Contain("notEqual: componentid").And.NotContain("CHECK not turned into values");
        rows.Should().HaveCountGreaterThan(300).And.OnlyContain(r => r["productassemblyid"] != null && !Equals(r["productassemblyid"], r["componentid"]), "an assembly is never its own component, at any scale");
        rows.Should().OnlyContain(r => (long)r["bomlevel"]! >= 1 && (decimal)r["perassemblyqty"]! >= 1.00m);
        rows.Should().OnlyContain(r => r["enddate"] == null || (DateTime)r["enddate"]! > (DateTime)r["startdate"]!, "strictly after, not merely not before");
    }

    [Fact]
    public async Task A_join_table_of_lookup_tables_takes_at_most_half_their_combinations_at_any_scale()
    {
        // AdventureWorks' sales.countryregioncurrency: its key is a pair of refs to two small lookup tables.
        var schema = new DatabaseSchema([
            new TableSchema("person", "countryregion", [Column("code", ValueKind.String, maxLength: 3), Column("name", ValueKind.String, maxLength: 50)]) { PrimaryKey = ["code"] },
            new TableSchema("sales", "currency", [Column("code", ValueKind.String, maxLength: 3), Column("name", ValueKind.String, maxLength: 50)]) { PrimaryKey = ["code"] },
            new TableSchema("sales", "countryregioncurrency", [Column("countryregioncode", ValueKind.String, maxLength: 3), Column("currencycode", ValueKind.String, maxLength: 3)])
            {
                PrimaryKey = ["countryregioncode", "currencycode"],
                ForeignKeys = [new ForeignKeySchema(["countryregioncode"], "person.countryregion", ["code"]), new ForeignKeySchema(["currencycode"], "sales.currency", ["code"])],
            },
        ]);

        var yaml = ManifestScaffold.Write(schema, new ScaffoldOptions { Kind = "postgres", Rows = 1000, LookupRows = 10 });
        var rows = await TestGeneration.RecordsAsync(TestGeneration.Parse(yaml, new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = "x" }, Environment = _ => null, Scale = 10 }));

        rows["countryregion"].Should().HaveCount(10);
        rows["countryregioncurrency"].Should().HaveCount(50, "10 × 10 combinations, half of them, not scaled");
        rows["countryregioncurrency"].Select(r => $"{r["countryregioncode"]}|{r["currencycode"]}").Should().OnlyHaveUniqueItems();
    }
}
