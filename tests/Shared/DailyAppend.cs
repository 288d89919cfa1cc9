using System.Data.Common;
using System.Globalization;
using DataGen.Outputs;
using DataGen.Stores;

namespace DataGen.Tests.Shared;

/// <summary>
/// The daily-history scenario every SQL store's load-mode tests run (issue 25): a first load, then three days of
/// <c>mode: append</c> into the same tables, and the same four runs into a twin database. Customers (a unique email),
/// their orders (an existing ref to customers, a lookup of the customer's email through it) and a join table whose
/// composite primary key is two existing refs (customer, tag). Asserts keys continue, refs and lookups reach earlier
/// days' rows, no unique value or pair repeats, and the same seed on the same starting data gives the same rows.
/// </summary>
public static class DailyAppend
{
    /// <summary>The manifest of one run into a store of <paramref name="kind"/>.</summary>
    public static string Manifest(string kind, string mode, int customers, int orders, int tagged) => $$$"""
        seed: 7
        variables: { connection: null }
        datastores:
          db: { kind: {{{kind}}}, connection: "{{connection}}", mode: {{{mode}}} }
        models:
          customer:
            store: db
            count: {{{customers}}}
            key: id
            fields:
              id: sequence
              email: { type: internet.email, unique: true }
          tag:
            store: db
            count: {{{(mode == "append" ? 0 : 4)}}}
            key: id
            fields:
              id: sequence
              name: { type: choice, values: [new, loyal, wholesale, lapsed] }
          orders:
            store: db
            count: {{{orders}}}
            key: id
            fields:
              id: sequence
              customer_id: { type: ref, ref: customer.id, existing: true }
              customer_email: { type: lookup, from: customer_id, field: email }
              total: { type: decimal, min: 1, max: 500 }
              placed: date
          customer_tag:
            store: db
            count: {{{tagged}}}
            unique: [customer_id, tag_id]
            fields:
              customer_id: { type: ref, ref: customer.id, existing: true }
              tag_id: { type: ref, ref: tag.id, existing: true }
        """;

    /// <summary>
    /// Runs the scenario; <paramref name="newDatabase"/> gives a fresh database holding the store's version of the
    /// tables (customer, tag, orders with customer_email, customer_tag with primary key (customer_id, tag_id)).
    /// </summary>
    /// <returns>The database the days were appended to, for the store's own checks (the application's next insert).</returns>
    public static async Task<string> RunAsync(StoreProvider provider, Func<Task<string>> newDatabase, Func<string, DbConnection> connect, CancellationToken cancellationToken)
    {
        var stores = StoreCatalog.FilesOnly.With(provider);
        var db = await newDatabase();
        var twin = await newDatabase();
        foreach (var target in new[] { db, twin })
        {
            await LoadAsync(target, Manifest(provider.Kind, "create", customers: 10, orders: 0, tagged: 10));
            for (var day = 1; day <= 3; day++)
            {
                // A day of orders for existing customers, a few new customers, and new tags on customers old and new.
                await LoadAsync(target, Manifest(provider.Kind, "append", customers: 2, orders: 25, tagged: 10));
            }
        }

        (await ScalarAsync(db, "SELECT COUNT(*) FROM customer")).Should().Be(16);
        (await ScalarAsync(db, "SELECT MAX(id) FROM orders")).Should().Be(75, "each day's keys start after the last");
        (await ScalarAsync(db, "SELECT COUNT(DISTINCT email) FROM customer")).Should().Be(16, "no email repeats across runs");
        (await ScalarAsync(db, "SELECT COUNT(*) FROM orders WHERE id > 50 AND customer_id <= 12")).Should().BePositive("the third day's orders reach customers of earlier runs");
        (await ScalarAsync(db, "SELECT COUNT(*) FROM orders o JOIN customer c ON c.id = o.customer_id WHERE o.customer_email = c.email")).Should().Be(75, "each order's lookup copies its customer's email, held or new");
        (await ScalarAsync(db, "SELECT COUNT(*) FROM customer_tag")).Should().Be(40, "every day's pairs went in: the primary key (customer_id, tag_id) never repeats");
        (await ScalarAsync(db, "SELECT COUNT(*) FROM (SELECT DISTINCT customer_id, tag_id FROM customer_tag) pairs")).Should().Be(40);
        foreach (var (table, order) in new[] { ("customer", "id"), ("orders", "id"), ("customer_tag", "customer_id, tag_id") })
        {
            // The manifest's columns (the application's own defaults, such as a joined timestamp, are the clock's).
            var select = $"SELECT {(table == "customer" ? "id, email" : "*")} FROM {table} ORDER BY {order}";
            (await RowsAsync(db, select)).Should().Equal(await RowsAsync(twin, select), "the same seed on the same starting data gives the same rows");
        }

        (await RowsAsync(db, "SELECT total, placed FROM orders WHERE id BETWEEN 1 AND 25 ORDER BY id")).Should().NotEqual(await RowsAsync(db, "SELECT total, placed FROM orders WHERE id BETWEEN 26 AND 50 ORDER BY id"), "each day's rows are new, not the first day's again");
        return db;

        async Task LoadAsync(string target, string yaml)
        {
            var manifest = DataGen.Manifest.Parse(yaml, "daily.yaml", new ManifestOptions { Variables = new Dictionary<string, string> { ["connection"] = target }, Environment = _ => null, Stores = stores });
            await using var output = stores.CreateOutput(manifest, new StoreLoadOptions(), null);
            await DataGenerator.GenerateAsync(manifest, output, cancellationToken: cancellationToken);
        }

        async Task<long> ScalarAsync(string target, string sql) => long.Parse((await RowsAsync(target, sql)).Single(), CultureInfo.InvariantCulture);

        async Task<List<string>> RowsAsync(string target, string sql)
        {
            var rows = new List<string>();
            var connection = connect(target);
            await using (connection)
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
                }
            }

            return rows;
        }
    }
}
