using System.Data.Common;
using DataGen.Tests.Shared;
using DotNet.Testcontainers.Containers;
using MySqlConnector;
using Testcontainers.MySql;

namespace DataGen.MySql.Tests;

/// <summary>
/// The MySQL-compatible server of the test assembly: <c>DATAGEN_MYSQL_CONNECTION</c>, else a container of
/// <c>DATAGEN_MYSQL_IMAGE</c>, <c>LOCAL_IMAGE_MYSQL</c> (the local <c>mariadb:10.11</c>) or <c>mysql:8.0</c>, as root.
/// </summary>
public sealed class MySqlServer : TestServer
{
    protected override (string Name, string Variable) Kind => ("MySQL", "MYSQL");

    protected override string DefaultImage => "mysql:8.0";

    protected override string LocalImageVariable => "LOCAL_IMAGE_MYSQL";

    protected override (IContainer Container, Func<string> ConnectionString) Build(string image)
    {
        // Bulk loading is LOAD DATA LOCAL INFILE, which MySQL 8 refuses unless the server allows it (MariaDB allows it).
        var builder = new MySqlBuilder(image).WithUsername("root").WithPassword("datagen");
        if (image.StartsWith("mysql", StringComparison.Ordinal))
        {
            builder = builder.WithCommand("--local-infile=1");
        }

        var container = builder.Build();
        return (container, container.GetConnectionString);
    }

    protected override DbConnection Connect(string connectionString) => new MySqlConnection(connectionString);

    protected override string CreateDatabase(string name) => $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4";

    protected override string DropDatabase(string name) => $"DROP DATABASE IF EXISTS `{name}`";

    protected override string ConnectionStringFor(string admin, string database) => new MySqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;

    protected override void ClearPools() => MySqlConnection.ClearAllPools();
}
