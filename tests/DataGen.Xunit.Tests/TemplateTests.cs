using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DataGen.Xunit.Tests;

/// <summary>Data for the template tests: a seed no other class uses, so the template is theirs alone.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 909_090)]
public sealed class TemplateProbe;

/// <summary>Same data, another seed: a different template.</summary>
[SeededWith("customers.yaml", Scale = 0.002, Seed = 909_091)]
public sealed class OtherTemplateProbe;

/// <summary>
/// Load once, clone per class: the second class with the same data gets a copy of the first one's database instead of
/// generating and loading again; the copies are independent; other data is not mistaken for it.
/// </summary>
public sealed class TemplateTests
{
    private static async Task<string> DigestAsync(DbConnection connection)
    {
        await using (connection)
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, first_name, email, amount FROM customers ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var text = new System.Text.StringBuilder();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                text.Append(reader.GetValue(0)).Append('|').Append(reader.GetValue(1)).Append('|').Append(reader.GetValue(2)).Append('|').Append(reader.GetValue(3)).Append('\n');
            }

            return text.ToString();
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    private static async Task ClonesAreCopiesAsync<T>(Func<T> create, Func<T, DbConnection> connect)
        where T : DataGenFixture
    {
        var ct = TestContext.Current.CancellationToken;
        T first = create(), second = create(), other = create();
        try
        {
            await first.InitializeForAsync(typeof(TemplateProbe), ct);
            if (first.Unavailable is not null)
            {
                Assert.Skip(first.Unavailable);
            }

            await second.InitializeForAsync(typeof(TemplateProbe), ct);
            await other.InitializeForAsync(typeof(OtherTemplateProbe), ct);

            first.Cloned.Should().BeFalse("the first class with the data loads it");
            second.Cloned.Should().BeTrue("the next class with the same data gets a copy");
            other.Cloned.Should().BeFalse("another seed is other data");
            second.Counts.Should().BeEquivalentTo(first.Counts);
            (second.Seed, second.SeedSource, second.Data).Should().Be((first.Seed, first.SeedSource, first.Data));
            var digest = await DigestAsync(connect(first));
            (await DigestAsync(connect(second))).Should().Be(digest);
            (await DigestAsync(connect(other))).Should().NotBe(digest);

            // A class that writes changes neither the template nor another copy, and its restore works on the copy.
            await ExecuteAsync(connect(second), "DELETE FROM customers");
            (await DigestAsync(connect(first))).Should().Be(digest);
            await second.RestoreNowAsync(ct);
            (await DigestAsync(connect(second))).Should().Be(digest);

            var third = create();
            try
            {
                await third.InitializeForAsync(typeof(TemplateProbe), ct);
                third.Cloned.Should().BeTrue();
                (await DigestAsync(connect(third))).Should().Be(digest, "the template kept the baseline, not what a class did to its copy");
            }
            finally
            {
                await third.DisposeAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await other.DisposeAsync();
        }
    }

    [Fact]
    public Task Sqlite_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new SqliteFixture(), f => new SqliteConnection(f.ConnectionString));

    [Fact]
    public Task MySQL_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new MySqlFixture(), f => new MySqlConnector.MySqlConnection(f.ConnectionString));

    [Fact]
    public Task PostgreSQL_classes_with_the_same_data_share_one_load() =>
        ClonesAreCopiesAsync(() => new PostgresFixture(), f => new NpgsqlConnection(f.ConnectionString));
}
