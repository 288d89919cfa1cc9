using System.Diagnostics;
using Npgsql;

// The kit's end-of-run clean-up (DataGenCleanup) is registered by the package's buildTransitive targets, imported by
// this project as a package reference imports them: no attribute here, so the leak test below proves that registration.

namespace DataGen.Xunit.Tests;

/// <summary>Names the kit gives what it makes on a store, and what a later run may take for left behind.</summary>
public sealed class StoreNameTests
{
    [Fact]
    public void A_name_carries_this_machine_and_process_and_is_never_left_behind_while_it_runs()
    {
        var name = StoreNames.New("Order Query Tests!");

        name.Should().MatchRegex($"^dg_orderquerytests_{StoreNames.Machine}_{Environment.ProcessId}_[0-9]+$");
        StoreNames.IsLeftBehind(name).Should().BeFalse("this process is running");
        StoreNames.Template(new string('a', 64)).Should().Be($"dg_tmpl_{StoreNames.Owner}_{new string('a', 16)}");
    }

    [Fact]
    public void A_name_of_a_process_that_ended_on_this_machine_is_left_behind_and_nothing_else_is()
    {
        using var ended = Process.Start(new ProcessStartInfo("sh", ["-c", "exit 0"]))!;
        ended.WaitForExit();
        var pid = ended.Id;

        StoreNames.IsLeftBehind($"dg_orders_{StoreNames.Machine}_{pid}_3").Should().BeTrue();
        StoreNames.IsLeftBehind($"dg_tmpl_{StoreNames.Machine}_{pid}_0123456789abcdef_s2").Should().BeTrue("a template's spare copy");
        StoreNames.IsLeftBehind($"dg_orders_{StoreNames.Machine}_{pid}_3_baseline").Should().BeTrue("MySQL's baseline database");
        StoreNames.IsLeftBehind($"dg_orders_{(StoreNames.Machine == "000000" ? "111111" : "000000")}_{pid}_3").Should().BeFalse("another machine's process may be running");
        StoreNames.IsLeftBehind($"dg_tmpl_{new string('b', 40)}").Should().BeFalse("a kept template (DATAGEN_REUSE) has no owner");
        StoreNames.IsLeftBehind("orders").Should().BeFalse();
        StoreNames.IsLeftBehind($"dg_orders_{StoreNames.Machine}_{pid}").Should().BeFalse("the counter is part of the pattern");
    }
}

/// <summary>The class a child test process runs (and is killed in) for <see cref="LeakTests"/>.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 949_494)]
public sealed class LeakVictim(PostgresFixture db) : IClassFixture<PostgresFixture>
{
    /// <summary>Set by <see cref="LeakTests"/> in the child's environment: a file to write the class's database name into, then hang (or end).</summary>
    public const string Variable = "DATAGEN_LEAK_CHILD";

    [Fact]
    public async Task Holds_its_database_until_killed()
    {
        var marker = Environment.GetEnvironmentVariable(Variable) ?? string.Empty;
        Assert.SkipWhen(marker.Length == 0, $"runs only as the child process of LeakTests ({Variable} names its marker file)");

        db.Counts["customers"].Should().BeGreaterThan(0);
        await File.WriteAllTextAsync(marker + ".tmp", new NpgsqlConnectionStringBuilder(db.ConnectionString).Database, TestContext.Current.CancellationToken);
        File.Move(marker + ".tmp", marker);
        if (Environment.GetEnvironmentVariable(Variable + "_HANG") == "1")
        {
            await Task.Delay(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>
/// Nothing left behind: a test process killed in the middle of a class leaves its class database, template and copies
/// (and, with Ryuk off, its container); the next run on the machine drops them, and a run that ends normally leaves
/// nothing of its own. Runs this test assembly as child processes on the server in DATAGEN_POSTGRES_CONNECTION, or on
/// containers the children start.
/// </summary>
public sealed class LeakTests
{
    /// <summary>The shared server the children run on: DATAGEN_POSTGRES_CONNECTION's, or a container this test starts.</summary>
    private static string _server = string.Empty;

    private static string Server => _server;

    [Fact]
    public async Task The_next_run_drops_what_a_killed_run_left_on_the_server()
    {
        _server = Environment.GetEnvironmentVariable("DATAGEN_POSTGRES_CONNECTION") ?? string.Empty;
        Testcontainers.PostgreSql.PostgreSqlContainer? container = null;
        if (_server.Length == 0)
        {
            // No server given (CI uses containers): one started here stands for the shared server the children adopt.
            if (DataGenContainers.WhyUnavailable(DataGenContainers.Image("DATAGEN_POSTGRES_IMAGE", PostgresFixture.DefaultImage)) is { } why)
            {
                Assert.Skip($"needs DATAGEN_POSTGRES_CONNECTION, or Docker and the PostgreSQL image: {why}");
            }

            container = new Testcontainers.PostgreSql.PostgreSqlBuilder(DataGenContainers.Image("DATAGEN_POSTGRES_IMAGE", PostgresFixture.DefaultImage)).Build();
            await container.StartAsync(TestContext.Current.CancellationToken);
            _server = container.GetConnectionString();
        }

        try
        {
            await KilledRunIsDroppedAsync(adopted: container is null);
        }
        finally
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }
        }
    }

    private static async Task KilledRunIsDroppedAsync(bool adopted)
    {
        if (adopted)
        {
            // This process looks for leftovers once, when its first fixture meets the server: that is done before the child runs.
            await using var first = new PostgresFixture();
            await first.InitializeForAsync(null, TestContext.Current.CancellationToken);
        }

        var killed = await RunChildAsync(hang: true);
        var tag = $"_{StoreNames.Machine}_{killed.Pid}_";
        var left = await DatabasesAsync(tag);
        left.Should().Contain(killed.Database, "the killed run had no chance to drop its class database");
        left.Should().Contain(d => d.StartsWith("dg_tmpl_", StringComparison.Ordinal), "nor its template");

        var next = await RunChildAsync(hang: false);

        (await DatabasesAsync(tag)).Should().BeEmpty("the next run drops what the killed run left");
        (await DatabasesAsync($"_{StoreNames.Machine}_{next.Pid}_")).Should().BeEmpty("a run that ends normally drops its own (DataGenCleanup)");
    }

    [Fact]
    public async Task The_next_run_removes_the_container_a_killed_run_left()
    {
        if (DataGenContainers.WhyUnavailable(DataGenContainers.Image("DATAGEN_POSTGRES_IMAGE", PostgresFixture.DefaultImage)) is { } why)
        {
            Assert.Skip($"needs Docker and the PostgreSQL image: {why}");
        }

        DataGenContainers.RemoveLeftBehind(); // this process's one look, done before the child runs
        var killed = await RunChildAsync(hang: true, container: true);
        Containers(killed.Pid).Should().NotBeEmpty("with Ryuk off the killed run's container stays");

        var next = await RunChildAsync(hang: false, container: true);

        Containers(killed.Pid).Should().BeEmpty("the next run removes it (not only stops it)");
        Containers(next.Pid).Should().BeEmpty("a run that ends normally removes its own container");
    }

    /// <summary>Runs <see cref="LeakVictim"/> in a child test process; with <paramref name="hang"/>, kills it once its class has loaded.</summary>
    private static async Task<(int Pid, string Database)> RunChildAsync(bool hang, bool container = false)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"datagen-leak-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet", [typeof(LeakTests).Assembly.Location, "-class", typeof(LeakVictim).FullName!]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment[LeakVictim.Variable] = marker;
        start.Environment[LeakVictim.Variable + "_HANG"] = hang ? "1" : "0";
        start.Environment["TESTCONTAINERS_RYUK_DISABLED"] = "true";
        if (container)
        {
            start.Environment.Remove("DATAGEN_POSTGRES_CONNECTION");
        }
        else
        {
            start.Environment["DATAGEN_POSTGRES_CONNECTION"] = Server;
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (!File.Exists(marker) && !child.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        File.Exists(marker).Should().BeTrue($"the child loads its class; it printed:\n{(child.HasExited ? await output + await errors : "(still running)")}");
        var database = await File.ReadAllTextAsync(marker, TestContext.Current.CancellationToken);
        File.Delete(marker);
        if (hang)
        {
            child.Kill(entireProcessTree: true);
        }

        await child.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (!hang)
        {
            child.ExitCode.Should().Be(0, $"the second run passes; it printed:\n{await output}{await errors}");
        }

        return (child.Id, database);
    }

    private static async Task<List<string>> DatabasesAsync(string tag)
    {
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE strpos(datname, @tag) > 0", connection);
        command.Parameters.AddWithValue("tag", tag);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The containers (running or stopped) whose owner label names the process <paramref name="pid"/> of this machine.</summary>
    private static List<string> Containers(int pid)
    {
        using var docker = Process.Start(new ProcessStartInfo("docker", ["ps", "-aq", "--filter", $"label=org.datagen.owner={StoreNames.Machine}_{pid}"]) { RedirectStandardOutput = true })!;
        var ids = docker.StandardOutput.ReadToEnd();
        docker.WaitForExit();
        return ids.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
