namespace DataGen.Xunit.Tests;

/// <summary>What `docker image inspect` says, turned into the cause and the fix (messages from Docker's own CLI).</summary>
public sealed class ContainerDiagnosisTests
{
    [Theory]
    [InlineData("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", "the Docker daemon is not running")]
    [InlineData("error during connect: Get \"http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.44/images/x/json\": open //./pipe/docker_engine: The system cannot find the file specified.", "the Docker daemon is not running")]
    [InlineData("Error response from daemon: client version 1.44 is too new. Maximum supported API version is 1.41", "speaks an older API")]
    [InlineData("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock", "may not use Docker")]
    [InlineData("Error: No such image: postgres:15.1", "image 'postgres:15.1' is not present locally")]
    public void Each_cause_is_named_with_its_fix(string dockerError, string expected)
    {
        var diagnosis = DataGenContainers.Diagnose("postgres:15.1", dockerError);

        diagnosis.Should().Contain(expected);
        if (!expected.StartsWith("image", StringComparison.Ordinal))
        {
            diagnosis.Should().Contain("DATAGEN_*_CONNECTION");
        }
    }
}

/// <summary>A class database whose server refuses it: the start fails once, and the clean-up does not fail again.</summary>
public sealed class ClassDatabaseTests
{
    [Fact]
    public async Task A_database_that_could_not_be_created_is_not_dropped()
    {
        var database = new ClassDatabase(
            cs => new Npgsql.NpgsqlConnection(cs),
            name => $"CREATE DATABASE \"{name}\"",
            name => $"DROP DATABASE IF EXISTS \"{name}\"",
            (admin, name) => admin,
            Npgsql.NpgsqlConnection.ClearAllPools);
        var server = Task.FromResult(new SharedServer("Host=127.0.0.1;Port=1;Username=u;Password=wrong;Timeout=2", "PostgreSQL at 127.0.0.1", null));

        var start = () => database.StartAsync(server, "dg_refused", TestContext.Current.CancellationToken);
        await start.Should().ThrowAsync<Npgsql.NpgsqlException>();

        var drop = () => database.DropAsync();
        await drop.Should().NotThrowAsync();
        database.ConnectionString.Should().BeEmpty();
    }
}
