using DataGen.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DataGen.EntityFrameworkCore.Tests;

/// <summary>
/// The application's schema made by EF Core, filled by DataGen from a partial manifest completed from the model, then
/// read back through EF (every enum, discriminator and owned value materialises) and written to by EF (keys move on).
/// </summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-ef-");

    private string NewDatabase(string name) => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory.FullName, name + ".db"), Pooling = false }.ConnectionString;

    public void Dispose() => _directory.Delete(recursive: true);

    private const string Partial = """
        seed: 5
        referenceDate: 2025-01-01
        models:
          members:
            table: library_members
            count: 60
            fields:
              Name: name.fullName
              EmailAddress: { type: internet.email, unique: true }
          items: { count: 40 }
          loans:
            count: { per: members, min: 0, max: 3 }
            fields:
              lent_at: { type: datetime, min: -30d, max: 0 }
        """;

    [Fact]
    public async Task A_partial_manifest_fills_the_model_and_EF_reads_and_writes_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var connection = NewDatabase("library");
        var schema = new DbContextSchema<LibraryContext>();
        await schema.CreateAsync("sqlite", connection, ct);
        var manifest = await Manifest.ParseAsync(Partial, "library.yaml", new ManifestOptions { Schema = schema.Describe("sqlite", connection) }, ct);

        manifest.Models.Should().Contain(["members", "items", "loans", "ItemShelf", "Phone", "Shelves"], "every table is a model; the manifest's names stay");
        var summary = await DataGenerator.GenerateAsync(manifest, SqliteOutput.ToDatabase(connection), cancellationToken: ct);

        await using var library = new LibraryContext(new DbContextOptionsBuilder<LibraryContext>().UseSqlite(connection).Options);
        var members = await library.Members.Include(m => m.Phones).ToListAsync(ct);
        members.Should().HaveCount(60);
        members.Select(m => m.Email).Should().OnlyHaveUniqueItems().And.OnlyContain(e => e.Contains('@'), "the manifest's own field EmailAddress, matched to email_address ignoring case and underscores");
        members.Select(m => m.Colour).Distinct().Should().HaveCountGreaterThan(1, "a custom conversion's values read back as the enum");
        members.Should().OnlyContain(m => m.Home.City.Length > 0 && m.Card.Number.Length <= 16);
        var items = await library.Items.Include(i => i.Shelves).ToListAsync(ct);
        items.OfType<Book>().Should().NotBeEmpty();
        items.OfType<Disc>().Should().NotBeEmpty();
        var loans = await library.Loans.ToListAsync(ct);
        loans.Should().HaveCount((int)summary.Models.Single(m => m.Model == "loans").Rows);
        loans.Should().OnlyContain(l => Enum.IsDefined(l.State) && l.LentAt >= new DateTime(2024, 12, 2, 0, 0, 0, DateTimeKind.Utc));

        var member = new Member { Name = "New", Email = "new@library.test", JoinedOn = new DateOnly(2025, 1, 1), Home = new Address { City = "Bath" } };
        library.Members.Add(member);
        library.Items.Add(new Book { Title = "New book", Price = 1m, Pages = 10 });
        await library.SaveChangesAsync(ct);
        member.Id.Should().Be(61, "the key the database numbers follows the loaded rows");
    }

    [Fact]
    public async Task A_field_or_table_that_is_not_in_the_model_is_a_located_error_listing_what_is()
    {
        var options = new ManifestOptions { Schema = new DbContextSchema<LibraryContext>().Describe("sqlite", NewDatabase("typo")) };
        var field = () => Manifest.ParseAsync("models:\n  members:\n    table: library_members\n    count: 3\n    fields:\n      emial: internet.email\n", "typo.yaml", options);
        var table = () => Manifest.ParseAsync("models:\n  itmes: { count: 2 }\n", "typo.yaml", options);
        var unknown = () => Manifest.ParseAsync("models:\n  wishlists: { count: 2 }\n", "typo.yaml", options);

        (await field.Should().ThrowAsync<ManifestException>()).Which.Message.Should().Contain("typo.yaml(6,")
            .And.Contain("table 'library_members' has no column 'emial'").And.Contain("its columns: Id, Card_Expires, Card_Number, Colour");
        (await table.Should().ThrowAsync<ManifestException>()).Which.Message.Should().Contain("typo.yaml(2,3)")
            .And.Contain("table 'itmes' does not exist in the application's schema (did you mean 'Items'?); to have DataGen create it");
        (await unknown.Should().ThrowAsync<ManifestException>()).Which.Message.Should()
            .Contain("table 'wishlists' does not exist in the application's schema; its tables: Items, ItemShelf, library_members, Loans, Phone, Shelves; to have DataGen create it, say so: mode: create");
    }

    [Fact]
    public async Task The_application_s_design_time_factory_is_used_with_the_test_database()
    {
        var connection = NewDatabase("factory");
        await new DbContextSchema<FactoryMadeContext>().CreateAsync("sqlite", connection, TestContext.Current.CancellationToken);

        File.Exists(Path.Combine(_directory.FullName, "factory.db")).Should().BeTrue("the connection string is replaced");
        File.Exists(FactoryMadeContextFactory.ItsOwnDatabase).Should().BeFalse();
        await using var context = new FactoryMadeContext(new DbContextOptionsBuilder<FactoryMadeContext>().UseSqlite(connection).Options);
        (await context.Notes.CountAsync(TestContext.Current.CancellationToken)).Should().Be(0);
    }

    [Fact]
    public async Task Migrations_are_applied_when_made_for_the_provider_and_EnsureCreated_is_used_when_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var sqlite = NewDatabase("migrated");
        await new DbContextSchema<SqliteMigratedContext>().CreateAsync("sqlite", sqlite, ct);
        (await TablesAsync(sqlite)).Should().Contain(["__EFMigrationsHistory", "Notes"], "the SQLite migrations ran");

        var other = NewDatabase("ensured");
        await new DbContextSchema<PostgresMigratedContext>().CreateAsync("sqlite", other, ct);
        (await TablesAsync(other)).Should().Contain("Notes").And.NotContain("__EFMigrationsHistory", "PostgreSQL's migrations are not SQLite's: the model's tables are made instead");
    }

    [Fact]
    public void A_context_that_cannot_be_made_says_what_it_needs()
    {
        var act = () => new DbContextSchema<NoOptionsContext>().Describe("sqlite", "Data Source=:memory:");
        act.Should().Throw<InvalidOperationException>().WithMessage("*NoOptionsContext has no constructor taking DbContextOptions<NoOptionsContext>*override CreateContext*");

        var unknown = () => new DbContextSchema<LibraryContext>().Describe("cassandra", "x");
        unknown.Should().Throw<NotSupportedException>().WithMessage("*no EF Core provider is known for store 'cassandra'*");

        var missing = () => new DbContextSchema<LibraryContext>().Describe("sqlserver", "Server=localhost");
        missing.Should().Throw<InvalidOperationException>().WithMessage("*needs the EF Core provider package Microsoft.EntityFrameworkCore.SqlServer*");
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

public sealed class Note
{
    public int Id { get; set; }

    public required string Text { get; set; }
}

public sealed class FactoryMadeContext(DbContextOptions<FactoryMadeContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
}

public sealed class FactoryMadeContextFactory : IDesignTimeDbContextFactory<FactoryMadeContext>
{
    public static readonly string ItsOwnDatabase = Path.Combine(Path.GetTempPath(), "datagen-factory-own.db");

    public FactoryMadeContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<FactoryMadeContext>().UseSqlite($"Data Source={ItsOwnDatabase}").Options);
}

public sealed class NoOptionsContext : DbContext
{
    public DbSet<Note> Notes => Set<Note>();
}

public sealed class SqliteMigratedContext(DbContextOptions<SqliteMigratedContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
}

public sealed class PostgresMigratedContext(DbContextOptions<PostgresMigratedContext> options) : DbContext(options)
{
    public DbSet<Note> Notes => Set<Note>();
}

/// <summary>What `dotnet ef migrations add` writes for SQLite, by hand: a migration and a snapshot without provider annotations.</summary>
[DbContext(typeof(SqliteMigratedContext))]
[Migration("20250101000000_Notes")]
public sealed class SqliteNotesMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable("Notes", table => new { Id = table.Column<int>("INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true), Text = table.Column<string>("TEXT", nullable: false) }, constraints: table => table.PrimaryKey("PK_Notes", x => x.Id));
}

[DbContext(typeof(SqliteMigratedContext))]
public sealed class SqliteMigratedSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder) => modelBuilder.HasAnnotation("ProductVersion", "10.0.15").Entity("DataGen.EntityFrameworkCore.Tests.Note", b =>
    {
        b.Property<int>("Id").ValueGeneratedOnAdd();
        b.Property<string>("Text").IsRequired();
        b.HasKey("Id");
        b.ToTable("Notes");
    });
}

/// <summary>Migrations made for PostgreSQL: their snapshot carries Npgsql's annotations.</summary>
[DbContext(typeof(PostgresMigratedContext))]
[Migration("20250101000000_Notes")]
public sealed class PostgresNotesMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable("Notes", table => new { Id = table.Column<int>("integer", nullable: false), Text = table.Column<string>("text", nullable: false) }, constraints: table => table.PrimaryKey("PK_Notes", x => x.Id));
}

[DbContext(typeof(PostgresMigratedContext))]
public sealed class PostgresMigratedSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder) => modelBuilder.HasAnnotation("ProductVersion", "10.0.15").HasAnnotation("Npgsql:ValueGenerationStrategy", 2).Entity("DataGen.EntityFrameworkCore.Tests.Note", b =>
    {
        b.Property<int>("Id").ValueGeneratedOnAdd();
        b.Property<string>("Text").IsRequired();
        b.HasKey("Id");
        b.ToTable("Notes");
    });
}
