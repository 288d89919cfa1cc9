using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bogus;
using DataGen.Xunit;
using Npgsql;
using NpgsqlTypes;
using Respawn;
using Testcontainers.PostgreSql;

namespace DataGen.Benchmarks;

/// <summary>
/// The whole-suite benchmark: 20 test classes × 10 tests over the retail data (10,000 customers with their orders,
/// products and payments), written twice and run one class after another on this machine:
/// (a) the way .NET teams do it today — a Testcontainers PostgreSQL, a database per class made from DDL and seeded
/// with Bogus <c>Faker&lt;T&gt;</c> through Npgsql's binary COPY (the fastest path; EF Core would be slower), Respawn plus
/// re-seeding after each test that writes; (b) the DataGen kit — <c>[SeededWith("retail.yaml", Scale = 10)]</c> on a
/// <see cref="PostgresFixture"/>: the first class loads, later classes clone its template, every test is followed by the
/// kit's restore. Both run the same tests (7 reads, 3 writes per class) and start their container inside the timing.
/// </summary>
internal static class SuiteBench
{
    private const int Classes = 20;
    private const int TestsPerClass = 10;
    private static readonly int[] WritingTests = [2, 5, 8];

    [SeededWith("retail.yaml", Scale = 10, Seed = 42)]
    private sealed class RetailTests;

    public static async Task RunAsync()
    {
        // DATAGEN_BENCH_ONLY=kit runs the kit's suite alone (for profiling); the ratio needs both.
        var kitOnly = Environment.GetEnvironmentVariable("DATAGEN_BENCH_ONLY") == "kit";
        var baseline = kitOnly ? new Result(double.NaN, [double.NaN, double.NaN], [], [], 0) : await RunBaselineAsync();
        var kit = await RunKitAsync();
        if (baseline is null || kit is null)
        {
            return;
        }

        Console.WriteLine($"Whole suite: {Classes} classes × {TestsPerClass} tests (7 read, 3 write) over retail × 10, one class at a time, container start included");
        Console.WriteLine();
        Console.WriteLine("| suite | total (s) | of which the tests' own statements (s) | first class ready (ms) | later class ready, median (ms) | reset after a read test, median (ms) | reset after a write test, median (ms) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Print("(a) Testcontainers + Bogus Faker<T> + binary COPY + Respawn and re-seed", baseline);
        Print("(b) DataGen kit (load once, clone per class, restore per test)", kit);
        var ratio = baseline.Total / kit.Total;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target (b) ≥ 5× faster than (a): {ratio:F1}× {(ratio >= 5 ? "met" : "NOT met")}; without the tests' own statements: {(baseline.Total - baseline.Tests) / (kit.Total - kit.Tests):F1}×"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target a later class with this data ready in ≤ 100 ms: {Median(kit.Ready.Skip(1)):F0} ms {(Median(kit.Ready.Skip(1)) <= 100 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target (b)'s first class ready no later than (a)'s, container start included on both: {kit.Ready[0]:F0} ms against {baseline.Ready[0]:F0} ms {(kit.Ready[0] <= baseline.Ready[0] ? "met" : "NOT met")} (one run; compare medians of several)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows per class: {kit.Rows:N0} (kit), {baseline.Rows:N0} (Bogus)"));

        static void Print(string name, Result r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {r.Total:F1} | {r.Tests:F1} | {r.Ready[0]:F0} | {Median(r.Ready.Skip(1)):F0} | {Median(r.ReadResets):F2} | {Median(r.WriteResets):F1} |"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }

    private sealed record Result(double Total, List<double> Ready, List<double> ReadResets, List<double> WriteResets, long Rows)
    {
        /// <summary>Seconds the tests' own statements took (the same work in both suites).</summary>
        public double Tests { get; set; }
    }

    /// <summary>The same ten tests for both suites: reads over joins and aggregates; writes that insert and update.</summary>
    private static async Task RunTestAsync(NpgsqlConnection connection, int test)
    {
        string sql = test switch
        {
            0 => "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.segment = 'gold'",
            1 => "SELECT department, sum(price) FROM products GROUP BY department",
            2 => "INSERT INTO customers (id, first_name, last_name, email, phone, city, birth_date, segment, marketing_opt_in) VALUES (gen_random_uuid(), 'Ada', 'Test', 'ada.test.' || gen_random_uuid() || '@example.com', '1', 'X', DATE '1990-01-01', 'gold', true)",
            3 => "SELECT count(*) FROM payments WHERE method = 'card'",
            4 => "SELECT c.city, count(*) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.city ORDER BY 2 DESC LIMIT 10",
            5 => "UPDATE orders SET status = 'returned' WHERE id IN (SELECT id FROM orders ORDER BY id LIMIT 50)",
            6 => "SELECT count(*) FROM orders WHERE status = 'delivered'",
            7 => "SELECT sum(jsonb_array_length(items)) FROM orders",
            8 => "DELETE FROM payments WHERE order_id IN (SELECT id FROM orders ORDER BY id DESC LIMIT 20)",
            _ => "SELECT count(*) FROM customers WHERE marketing_opt_in",
        };
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Result?> RunKitAsync()
    {
        var total = Stopwatch.StartNew();
        var ready = new List<double>();
        var readResets = new List<double>();
        var writeResets = new List<double>();
        long rows = 0;
        double dispose = 0;
        double tests = 0;
        for (var c = 0; c < Classes; c++)
        {
            var fixture = new PostgresFixture();
            try
            {
                var watch = Stopwatch.StartNew();
                await fixture.InitializeForAsync(typeof(RetailTests), CancellationToken.None);
                if (fixture.Unavailable is { } why)
                {
                    Console.WriteLine($"PostgreSQL unavailable: {why}");
                    return null;
                }

                ready.Add(watch.Elapsed.TotalMilliseconds);
                rows = fixture.Counts.Values.Sum();
                for (var t = 0; t < TestsPerClass; t++)
                {
                    watch.Restart();
                    await using (var connection = await fixture.OpenConnectionAsync())
                    {
                        await RunTestAsync(connection, t);
                    }

                    tests += watch.Elapsed.TotalSeconds;
                    watch.Restart();
                    await fixture.RestoreNowAsync(CancellationToken.None);
                    (WritingTests.Contains(t) ? writeResets : readResets).Add(watch.Elapsed.TotalMilliseconds);
                    if (Environment.GetEnvironmentVariable("DATAGEN_BENCH_TRACE") == "1" && WritingTests.Contains(t))
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"class {c} test {t}: reset {watch.Elapsed.TotalMilliseconds:F0} ms"));
                    }
                }
            }
            finally
            {
                var disposing = Stopwatch.StartNew();
                await fixture.DisposeAsync();
                dispose += disposing.Elapsed.TotalSeconds;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(kit: resets took {readResets.Sum() / 1000:F1} s after reads, {writeResets.Sum() / 1000:F1} s after writes; disposing {Classes} fixtures took {dispose:F1} s; classes ready after {string.Join(", ", ready.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))} ms)"));
        return new Result(total.Elapsed.TotalSeconds, ready, readResets, writeResets, rows) { Tests = tests };
    }

    private static async Task<Result?> RunBaselineAsync()
    {
        var total = Stopwatch.StartNew();
        var image = Environment.GetEnvironmentVariable("LOCAL_IMAGE_POSTGRES") ?? "postgres:15.1";
        await using var container = new PostgreSqlBuilder(image).Build();
        try
        {
            await container.StartAsync();
        }
        catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or HttpRequestException)
        {
            Console.WriteLine($"Docker unavailable: {e.Message}");
            return null;
        }

        // The kit's first class starts its container inside InitializeForAsync, so this side's first class counts its
        // container start too: both first classes are measured from a test run's start.
        var containerStart = total.Elapsed.TotalMilliseconds;
        var admin = container.GetConnectionString();
        var ready = new List<double>();
        var readResets = new List<double>();
        var writeResets = new List<double>();
        long rows = 0;
        double tests = 0;
        for (var c = 0; c < Classes; c++)
        {
            var watch = Stopwatch.StartNew();
            var name = $"suite_{c}";
            await Admin(admin, $"CREATE DATABASE {name}");
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using (var ddl = new NpgsqlCommand(Ddl, connection))
                {
                    await ddl.ExecuteNonQueryAsync();
                }

                rows = await SeedAsync(connection);
                var respawner = await Respawner.CreateAsync(connection, new RespawnerOptions { DbAdapter = DbAdapter.Postgres, SchemasToInclude = ["public"] });
                ready.Add(watch.Elapsed.TotalMilliseconds + (c == 0 ? containerStart : 0));
                for (var t = 0; t < TestsPerClass; t++)
                {
                    watch.Restart();
                    await RunTestAsync(connection, t);
                    tests += watch.Elapsed.TotalSeconds;
                    watch.Restart();
                    if (WritingTests.Contains(t))
                    {
                        await respawner.ResetAsync(connection);
                        await SeedAsync(connection);
                        writeResets.Add(watch.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        readResets.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            }

            NpgsqlConnection.ClearAllPools();
            await Admin(admin, $"DROP DATABASE {name}");
        }

        return new Result(total.Elapsed.TotalSeconds, ready, readResets, writeResets, rows) { Tests = tests };
    }

    private static async Task Admin(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private const string Ddl = """
        CREATE TABLE customers (id uuid PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL UNIQUE, phone text NOT NULL, city text NOT NULL, birth_date date NOT NULL, segment text NOT NULL, marketing_opt_in boolean NOT NULL, company text);
        CREATE INDEX ON customers (last_name, first_name);
        CREATE INDEX ON customers (city);
        CREATE TABLE products (sku text PRIMARY KEY, name text NOT NULL, department text NOT NULL, price numeric(12, 2) NOT NULL, in_stock boolean NOT NULL);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id uuid NOT NULL REFERENCES customers (id), customer_email text NOT NULL, placed_at timestamptz NOT NULL, status text NOT NULL, items jsonb NOT NULL);
        CREATE INDEX ON orders (placed_at);
        CREATE TABLE payments (order_id bigint NOT NULL REFERENCES orders (id), method text NOT NULL, card_last4 text, reference text NOT NULL);
        """;

    private sealed class Customer
    {
        public Guid Id { get; set; }
        public string FirstName { get; set; } = "";
        public string LastName { get; set; } = "";
        public string Email { get; set; } = "";
        public string Phone { get; set; } = "";
        public string City { get; set; } = "";
        public DateTime BirthDate { get; set; }
        public string Segment { get; set; } = "";
        public bool MarketingOptIn { get; set; }
        public string? Company { get; set; }
    }

    private sealed class Product
    {
        public string Sku { get; set; } = "";
        public string Name { get; set; } = "";
        public string Department { get; set; } = "";
        public decimal Price { get; set; }
        public bool InStock { get; set; }
    }

    private sealed record Line(int Line_, string Sku, string ProductName, int Quantity, decimal UnitPrice);

    /// <summary>The retail data × 10 the way a team writes it with Bogus: Faker&lt;T&gt; per entity, orders per customer, a payment per order.</summary>
    private static async Task<long> SeedAsync(NpgsqlConnection connection)
    {
        Randomizer.Seed = new Random(42);
        var reference = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var emails = new HashSet<string>();
        var customers = new Faker<Customer>()
            .RuleFor(c => c.Id, f => f.Random.Guid())
            .RuleFor(c => c.FirstName, f => f.Name.FirstName())
            .RuleFor(c => c.LastName, f => f.Name.LastName())
            .RuleFor(c => c.Email, (f, c) =>
            {
                var email = $"{c.FirstName}.{c.LastName}@example.com".ToLowerInvariant();
                while (!emails.Add(email))
                {
                    email = $"{c.FirstName}.{c.LastName}{f.Random.Number(1, 99999)}@example.com".ToLowerInvariant();
                }

                return email;
            })
            .RuleFor(c => c.Phone, f => f.Phone.PhoneNumber())
            .RuleFor(c => c.City, f => f.Address.City())
            .RuleFor(c => c.BirthDate, f => f.Date.Between(reference.AddYears(-80), reference.AddYears(-18)).Date)
            .RuleFor(c => c.Segment, f => f.Random.WeightedRandom(["regular", "silver", "gold"], [0.7f, 0.2f, 0.1f]))
            .RuleFor(c => c.MarketingOptIn, f => f.Random.Bool(0.35f))
            .RuleFor(c => c.Company, f => f.Random.Bool(0.6f) ? null : f.Company.CompanyName())
            .Generate(10_000);
        var skus = new HashSet<string>();
        var products = new Faker<Product>()
            .RuleFor(p => p.Sku, f =>
            {
                string sku;
                do
                {
                    sku = f.Random.Replace("SKU-??-#####").ToUpperInvariant();
                }
                while (!skus.Add(sku));
                return sku;
            })
            .RuleFor(p => p.Name, f => f.Commerce.ProductName())
            .RuleFor(p => p.Department, f => f.Commerce.Department())
            .RuleFor(p => p.Price, f => Math.Clamp(Math.Round((decimal)f.Random.Double(0.5, 500), 2), 0.5m, 500m))
            .RuleFor(p => p.InStock, f => f.Random.Bool(0.9f))
            .Generate(2_000);

        var faker = new Faker();
        long rows = customers.Count + products.Count;
        await using (var writer = await connection.BeginBinaryImportAsync("COPY customers (id, first_name, last_name, email, phone, city, birth_date, segment, marketing_opt_in, company) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var c in customers)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(c.FirstName, NpgsqlDbType.Text);
                await writer.WriteAsync(c.LastName, NpgsqlDbType.Text);
                await writer.WriteAsync(c.Email, NpgsqlDbType.Text);
                await writer.WriteAsync(c.Phone, NpgsqlDbType.Text);
                await writer.WriteAsync(c.City, NpgsqlDbType.Text);
                await writer.WriteAsync(c.BirthDate, NpgsqlDbType.Date);
                await writer.WriteAsync(c.Segment, NpgsqlDbType.Text);
                await writer.WriteAsync(c.MarketingOptIn, NpgsqlDbType.Boolean);
                await writer.WriteAsync(c.Company, NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        await using (var writer = await connection.BeginBinaryImportAsync("COPY products (sku, name, department, price, in_stock) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var p in products)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(p.Sku, NpgsqlDbType.Text);
                await writer.WriteAsync(p.Name, NpgsqlDbType.Text);
                await writer.WriteAsync(p.Department, NpgsqlDbType.Text);
                await writer.WriteAsync(p.Price, NpgsqlDbType.Numeric);
                await writer.WriteAsync(p.InStock, NpgsqlDbType.Boolean);
            }

            await writer.CompleteAsync();
        }

        var orderIds = new List<long>();
        await using (var writer = await connection.BeginBinaryImportAsync("COPY orders (id, customer_id, customer_email, placed_at, status, items) FROM STDIN (FORMAT BINARY)"))
        {
            long id = 100_000;
            foreach (var c in customers)
            {
                for (var o = faker.Random.Int(0, 5); o > 0; o--)
                {
                    var lines = Enumerable.Range(1, faker.Random.Int(1, 4)).Select(l =>
                    {
                        var product = products[Math.Min(products.Count - 1, (int)(products.Count * Math.Pow(faker.Random.Double(), 2)))];
                        return new Line(l, product.Sku, product.Name, faker.Random.Int(1, 5), product.Price);
                    }).ToList();
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(c.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(c.Email, NpgsqlDbType.Text);
                    await writer.WriteAsync(faker.Date.Between(reference.AddYears(-2), reference), NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(faker.Random.WeightedRandom(["placed", "paid", "shipped", "delivered", "returned"], [0.05f, 0.1f, 0.2f, 0.6f, 0.05f]), NpgsqlDbType.Text);
                    await writer.WriteAsync(JsonSerializer.Serialize(lines), NpgsqlDbType.Jsonb);
                    orderIds.Add(id++);
                }
            }

            await writer.CompleteAsync();
        }

        await using (var writer = await connection.BeginBinaryImportAsync("COPY payments (order_id, method, card_last4, reference) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in orderIds)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Bigint);
                await writer.WriteAsync(faker.Random.WeightedRandom(["card", "bank_transfer", "voucher"], [0.8f, 0.15f, 0.05f]), NpgsqlDbType.Text);
                await writer.WriteAsync(faker.Random.Bool(0.2f) ? null : faker.Random.ReplaceNumbers("####"), NpgsqlDbType.Text);
                await writer.WriteAsync(faker.Random.Replace("PAY-****-****"), NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        return rows + 2 * orderIds.Count;
    }
}
