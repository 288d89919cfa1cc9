using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DataGen.EntityFrameworkCore.Tests;

/// <summary>
/// An application's context registered as applications do (AddDbContext, AddDbContextPool, AddDbContextFactory, with
/// UseNpgsql and options of its own) pointed at a SQLite test database by PointDbContextAt: no PostgreSQL server is
/// contacted, the context reads and writes the test database, and the application's other options stay.
/// </summary>
public sealed class PointDbContextAtTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("datagen-ef-point-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Database(string name) => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory.FullName, name + ".db"), Pooling = false }.ConnectionString;

    /// <summary>The application's own registration: PostgreSQL somewhere no test can reach, with options of its own.</summary>
    private static void Application(DbContextOptionsBuilder options, CountingInterceptor interceptor) =>
        options.UseNpgsql("Host=app-db.invalid;Database=library;Username=app", npgsql => npgsql.MigrationsHistoryTable("history", "app").CommandTimeout(77))
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
            .AddInterceptors(interceptor);

    public static TheoryData<string> Registrations() => ["AddDbContext", "AddDbContextPool", "AddDbContextFactory"];

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task An_application_on_PostgreSQL_runs_on_the_SQLite_test_database_keeping_its_own_options(string registration)
    {
        var ct = TestContext.Current.CancellationToken;
        var interceptor = new CountingInterceptor();
        var services = new ServiceCollection();
        _ = registration switch
        {
            "AddDbContext" => services.AddDbContext<LibraryContext>(o => Application(o, interceptor)),
            "AddDbContextPool" => services.AddDbContextPool<LibraryContext>(o => Application(o, interceptor)),
            _ => services.AddDbContextFactory<LibraryContext>(o => Application(o, interceptor)),
        };
        var database = Database(registration);

        services.PointDbContextAt<LibraryContext>("sqlite", database);

        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();
        await using var library = registration == "AddDbContextFactory"
            ? await scope.ServiceProvider.GetRequiredService<IDbContextFactory<LibraryContext>>().CreateDbContextAsync(ct)
            : scope.ServiceProvider.GetRequiredService<LibraryContext>();
        library.Database.ProviderName.Should().Be("Microsoft.EntityFrameworkCore.Sqlite");
        library.Database.GetConnectionString().Should().Be(database);
        await library.Database.EnsureCreatedAsync(ct);
        library.Shelves.Add(new Shelf { Name = "A1" });
        await library.SaveChangesAsync(ct);
        (await library.Shelves.CountAsync(ct)).Should().Be(1);
        File.Exists(new SqliteConnectionStringBuilder(database).DataSource).Should().BeTrue("the rows went to the test database");

        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<LibraryContext>>();
        options.FindExtension<CoreOptionsExtension>()!.QueryTrackingBehavior.Should().Be(QueryTrackingBehavior.NoTracking, "the application's own options stay");
        interceptor.Commands.Should().BePositive("the application's interceptors stay");
        var relational = RelationalOptionsExtension.Extract(options);
        (relational.MigrationsHistoryTableName, relational.MigrationsHistoryTableSchema, relational.CommandTimeout).Should().Be(("history", "app", 77), "relational settings that mean the same on SQLite carry over");
        options.Extensions.Count(e => e.Info.IsDatabaseProvider).Should().Be(1, "PostgreSQL's provider is gone");
    }

    [Fact]
    public async Task An_application_with_Npgsql_plug_ins_runs_on_SQLite_without_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new ServiceCollection();
        services.AddDbContext<LibraryContext>(o => o.UseNpgsql("Host=app-db.invalid;Database=library", npgsql => npgsql.UseNodaTime().UseNetTopologySuite()));
        var database = Database("plugins");
        const string npgsql = "Npgsql.EntityFrameworkCore.PostgreSQL";
        var before = services.BuildServiceProvider().GetRequiredService<DbContextOptions<LibraryContext>>().Extensions
            .Count(e => e.GetType().Assembly.GetReferencedAssemblies().Any(r => r.Name == npgsql));
        before.Should().Be(2, "the application's registration holds both plug-ins (NodaTime, NetTopologySuite)");

        services.PointDbContextAt<LibraryContext>("sqlite", database);

        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<LibraryContext>>();
        options.Extensions.Select(e => e.GetType().Assembly.GetName().Name).Should().NotContain(
            n => n != null && n.StartsWith("Npgsql", StringComparison.Ordinal), "PostgreSQL's provider goes with its plug-ins");
        var library = scope.ServiceProvider.GetRequiredService<LibraryContext>();
        library.Database.ProviderName.Should().Be("Microsoft.EntityFrameworkCore.Sqlite");
        await library.Database.EnsureCreatedAsync(ct);
        library.Shelves.Add(new Shelf { Name = "B2" });
        await library.SaveChangesAsync(ct);
        (await library.Shelves.Where(s => s.Name == "B2").CountAsync(ct)).Should().Be(1, "the swapped context reads and writes the SQLite database");
    }

    [Fact]
    public async Task On_the_same_provider_only_the_connection_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new ServiceCollection();
        services.AddDbContext<LibraryContext>(o => o.UseSqlite(Database("application"), sqlite => sqlite.CommandTimeout(42)).EnableDetailedErrors());
        var database = Database("test");

        services.PointDbContextAt<LibraryContext>("sqlite", database);

        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var library = scope.ServiceProvider.GetRequiredService<LibraryContext>();
        library.Database.GetConnectionString().Should().Be(database);
        await library.Database.EnsureCreatedAsync(ct);
        File.Exists(Path.Combine(_directory.FullName, "application.db")).Should().BeFalse("the application's database is never opened");
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<LibraryContext>>();
        RelationalOptionsExtension.Extract(options).CommandTimeout.Should().Be(42, "the provider's own options stay");
        options.FindExtension<CoreOptionsExtension>()!.DetailedErrorsEnabled.Should().BeTrue();
    }

    [Fact]
    public void What_cannot_be_pointed_says_why()
    {
        var none = () => new ServiceCollection().PointDbContextAt<LibraryContext>("sqlite", "Data Source=x.db");
        none.Should().Throw<InvalidOperationException>().WithMessage("LibraryContext is not registered in the application's services*ConfigureTestServices*");

        var unknown = () => new ServiceCollection().AddDbContext<LibraryContext>(o => o.UseSqlite("Data Source=x.db")).PointDbContextAt<LibraryContext>("cassandra", "x");
        unknown.Should().Throw<NotSupportedException>().WithMessage("*LibraryContext*no EF Core provider is known for store 'cassandra'*known: postgres, sqlite, sqlserver*");
    }

    /// <summary>Counts the commands the context runs (an application's interceptor).</summary>
    private sealed class CountingInterceptor : DbCommandInterceptor
    {
        public int Commands { get; private set; }

        public override InterceptionResult<int> NonQueryExecuting(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Commands++;
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Commands++;
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands++;
            return ValueTask.FromResult(result);
        }
    }
}
