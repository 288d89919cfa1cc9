using System.Data.Common;
using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;

namespace DataGen.Tests.Shared;

/// <summary>The PostgreSQL server of the test assembly (<see cref="TestServer"/>).</summary>
public sealed class PostgresServer : TestServer
{
    protected override (string Name, string Variable) Kind => ("PostgreSQL", "POSTGRES");

    protected override string DefaultImage => "postgres:15.1";

    protected override string LocalImageVariable => "LOCAL_IMAGE_POSTGRES";

    protected override (IContainer Container, Func<string> ConnectionString) Build(string image)
    {
        var container = new PostgreSqlBuilder(image).Build();
        return (container, container.GetConnectionString);
    }

    protected override DbConnection Connect(string connectionString) => new NpgsqlConnection(connectionString);

    protected override string CreateDatabase(string name) => $"CREATE DATABASE {name}";

    protected override string DropDatabase(string name) => $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";

    protected override string ConnectionStringFor(string admin, string database) => new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;

    protected override void ClearPools() => NpgsqlConnection.ClearAllPools();
}
