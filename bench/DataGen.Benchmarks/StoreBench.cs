using MySqlConnector;
using DataGen.MySql;
using Testcontainers.MySql;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Avro;
using Avro.Generic;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using DataGen.Kafka;
using DataGen.Kafka.Avro;
using DataGen.Outputs;
using DataGen.PostgreSql;
using DataGen.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Testcontainers.PostgreSql;

namespace DataGen.Benchmarks;

/// <summary>
/// Store loading: end-to-end generate+load against a baseline that bulk-loads pre-generated rows with the same
/// driver, measured in the same run. PostgreSQL runs in a Testcontainers container (local image).
/// </summary>
internal static class StoreBench
{
    public static async Task RunAsync(string directory, int rows, int flatRows)
    {
        var customers = Path.Combine(directory, "customers.yaml");
        var manifest = await Manifest.LoadAsync(customers, new ManifestOptions { Scale = rows / 100_000.0 });
        var pregenerated = await PregenerateAsync(manifest);

        Console.WriteLine($"Store loading, 8-field customer rows: {rows:N0} per run; baseline and DataGen alternate in 5 rounds (rows/s: best of 5; ratio: median of the 5 rounds' ratios)");
        Console.WriteLine();
        Console.WriteLine("| store | baseline (pre-generated rows, same driver) rows/s | DataGen generate+load rows/s | ratio |");
        Console.WriteLine("|---|---:|---:|---:|");

        var (sqliteBaseline, sqliteEndToEnd, sqliteRatio) = Paired(() => SqliteRaw(pregenerated), () => SqliteEndToEnd(manifest));
        Row("SQLite (prepared INSERT loop, one transaction)", sqliteBaseline, sqliteEndToEnd, sqliteRatio);

        var kafkaRows = rows;
        var kafkaManifest = await Manifest.LoadAsync(customers, new ManifestOptions { Scale = kafkaRows / 100_000.0 });
        var kafkaData = await PregenerateAsync(kafkaManifest);
        var kafkaThreads = int.TryParse(Environment.GetEnvironmentVariable("DATAGEN_BENCH_KAFKA_THREADS"), out var t) ? t : Environment.ProcessorCount;
        var (kafkaBaseline, kafkaEndToEnd, kafkaRatio) = Paired(() => KafkaRaw(kafkaData), () => KafkaEndToEnd(kafkaManifest, kafkaThreads));

        // Avro values through the embedded registry, against Confluent's AvroSerializer<GenericRecord> over records built beforehand.
        var (avroBaseline, avroEndToEnd, avroRatio) = Paired(() => KafkaAvroRaw(kafkaData), () => KafkaEndToEnd(kafkaManifest, kafkaThreads, avro: true));
        if (Environment.GetEnvironmentVariable("DATAGEN_BENCH_ONLY") == "kafka")
        {
            Row("Kafka Avro values, embedded cluster and registry (vs Confluent AvroSerializer<GenericRecord>)", avroBaseline, avroEndToEnd, avroRatio);
            var oneRow = await Manifest.LoadAsync(customers, new ManifestOptions { Scale = 0.00001 });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(kafka fixed cost per load, 1 row: {Enumerable.Range(0, 3).Select(_ => 1 / KafkaEndToEnd(oneRow, 1)).Min() * 1000:F0} ms)"));
            Row($"Kafka, embedded cluster, {kafkaThreads} generating threads", kafkaBaseline, kafkaEndToEnd, kafkaRatio);
            return;
        }

        var tiny = await Manifest.LoadAsync(customers, new ManifestOptions { Scale = 0.00001 });
        var fixedCost = Enumerable.Range(0, 3).Select(_ => 1 / KafkaEndToEnd(tiny, 1)).Min();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(kafka fixed cost per load, 1 row: {fixedCost * 1000:F0} ms)"));
        Row($"Kafka, embedded cluster (32 partitions, idempotent, lz4)", kafkaBaseline, kafkaEndToEnd, kafkaRatio);

        Row("Kafka Avro values, embedded cluster and registry (vs Confluent AvroSerializer<GenericRecord>)", avroBaseline, avroEndToEnd, avroRatio);

        var image = Environment.GetEnvironmentVariable("LOCAL_IMAGE_POSTGRES") ?? "postgres:15.1";
        await using var container = new PostgreSqlBuilder(image).Build();
        await container.StartAsync();
        var admin = container.GetConnectionString();
        var run = 0;
        async Task<string> Fresh()
        {
            var name = $"bench_{++run}";
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
            return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        }

        var (pgBaseline, pgEndToEnd, pgRatio) = Paired(() => PostgresRaw(Fresh().GetAwaiter().GetResult(), pregenerated), () => PostgresEndToEnd(Fresh().GetAwaiter().GetResult(), manifest));
        Row("PostgreSQL (binary COPY)", pgBaseline, pgEndToEnd, pgRatio);

        // MySQL/MariaDB: the local MariaDB stand-in here (LOCAL_IMAGE_MYSQL), MySQL 8 elsewhere, against a raw MySqlBulkCopy of the same rows.
        var mysqlImage = Environment.GetEnvironmentVariable("LOCAL_IMAGE_MYSQL") ?? "mysql:8.0";
        var mysqlBuilder = new MySqlBuilder(mysqlImage).WithUsername("root").WithPassword("bench");
        await using var mysql = (mysqlImage.Contains("mariadb", StringComparison.Ordinal) ? mysqlBuilder : mysqlBuilder.WithCommand("--local-infile=1")).Build();
        await mysql.StartAsync();
        var mysqlRun = 0;
        async Task<string> FreshMySql()
        {
            var name = $"bench_{++mysqlRun}";
            await using var connection = new MySqlConnection(mysql.GetConnectionString());
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
            return new MySqlConnectionStringBuilder(mysql.GetConnectionString()) { Database = name, AllowLoadLocalInfile = true }.ConnectionString;
        }

        var (myBaseline, myEndToEnd, myRatio) = Paired(() => MySqlRaw(FreshMySql().GetAwaiter().GetResult(), pregenerated), () => MySqlEndToEnd(FreshMySql().GetAwaiter().GetResult(), manifest), rounds: 3);
        Row($"MySQL/MariaDB (MySqlBulkCopy; {mysqlImage})", myBaseline, myEndToEnd, myRatio);

        var retail = await Manifest.LoadAsync(Path.Combine(directory, "retail.yaml"), new ManifestOptions { Scale = 100 });
        var watch = Stopwatch.StartNew();
        GenerationSummary summary;
        await using (var output = PostgresOutput.Create(await Fresh()))
        {
            summary = await DataGenerator.GenerateAsync(retail, output);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"retail.yaml × 100 into PostgreSQL: {string.Join(", ", summary.Models.Select(m => $"{m.Model} {m.Rows:N0}"))} = {summary.TotalRows:N0} rows in {watch.Elapsed.TotalSeconds:F1} s (target < 20 s) {(watch.Elapsed.TotalSeconds < 20 ? "met" : "NOT met")}"));

        // Memory of a load in its own process, at a tenth of the rows and at all of them: the pipeline is bounded, so
        // the peak working set should not grow with the row count.
        Console.WriteLine();
        Console.WriteLine("| customers.yaml → PostgreSQL (own process) | rows | rows/s | peak working set |");
        Console.WriteLine("|---|---:|---:|---:|");
        var peaks = new List<long>();
        foreach (var count in new[] { flatRows / 10, flatRows })
        {
            var parts = Measure.Child(count, "pg-stream", new Dictionary<string, string> { ["DATAGEN_BENCH_POSTGRES"] = await Fresh() }).Split(' ');
            peaks.Add(long.Parse(parts[2], CultureInfo.InvariantCulture));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| customers | {long.Parse(parts[0], CultureInfo.InvariantCulture):N0} | {double.Parse(parts[1], CultureInfo.InvariantCulture):N0} | {peaks[^1] / 1048576.0:F0} MiB |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory flat from {flatRows / 10:N0} to {flatRows:N0} rows (peak within +25 %): {peaks[1] / (double)peaks[0]:F2}× {(peaks[1] <= peaks[0] * 1.25 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target PostgreSQL end-to-end ≥ 0.8× raw COPY: {pgRatio:F2}× {(pgRatio >= 0.8 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target Kafka end-to-end ≥ 0.8× raw producer: {kafkaRatio:F2}× {(kafkaRatio >= 0.8 ? "met" : "NOT met")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka Avro end-to-end vs a raw Avro producer: {avroRatio:F2}×"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target MySQL end-to-end ≥ 0.8× raw MySqlBulkCopy: {myRatio:F2}× {(myRatio >= 0.8 ? "met" : "NOT met")}"));

        static void Row(string name, double baseline, double endToEnd, double ratio) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {baseline:N0} | {endToEnd:N0} | {ratio:F2} |"));

        // Alternating rounds: drift in the machine's speed hits both sides alike; each starts from a collected heap.
        static (double Baseline, double EndToEnd, double Ratio) Paired(Func<double> baseline, Func<double> endToEnd, int rounds = 5)
        {
            var pairs = Enumerable.Range(0, rounds).Select(_ => (B: Settled(baseline), E: Settled(endToEnd))).ToList();
            var ratios = pairs.Select(p => p.E / p.B).Order().ToList();
            return (pairs.Max(p => p.B), pairs.Max(p => p.E), ratios[ratios.Count / 2]);
        }
    }

    /// <summary>Loads the customer model at a row count into a database; prints rows, rows/s and peak working set.</summary>
    public static async Task PostgresStreamAsync(string manifestPath, int rows, string connectionString)
    {
        var manifest = await Manifest.LoadAsync(manifestPath, new ManifestOptions { Scale = rows / 100_000.0 });
        var rate = PostgresEndToEnd(connectionString, manifest);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows} {rate:F0} {Measure.PeakWorkingSet()}"));
    }

    /// <summary>Each measurement starts with no garbage left by the one before.</summary>
    private static double Settled(Func<double> measure)
    {
        Settle();
        return measure();
    }

    private static void Settle()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static async Task<(ModelDescriptor Model, List<object?[]> Rows)> PregenerateAsync(Manifest manifest)
    {
        var output = new MemoryOutput();
        await DataGenerator.GenerateAsync(manifest, output);
        return (output.Models["customers"], output.Rows["customers"]);
    }

    private static double SqliteRaw((ModelDescriptor Model, List<object?[]> Rows) data)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-raw-{Guid.NewGuid():N}.db");
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using (var ddl = connection.CreateCommand())
            {
                ddl.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE customers (id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, phone TEXT, city TEXT, birth_date TEXT, amount NUMERIC)";
                ddl.ExecuteNonQuery();
            }

            var watch = Stopwatch.StartNew();
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO customers VALUES ($0, $1, $2, $3, $4, $5, $6, $7)";
            var parameters = Enumerable.Range(0, 8).Select(i => insert.Parameters.Add(new SqliteParameter($"${i}", null))).ToArray();
            insert.Prepare();
            foreach (var row in data.Rows)
            {
                parameters[0].Value = ((Guid)row[0]!).ToString("D");
                for (var i = 1; i < 6; i++)
                {
                    parameters[i].Value = row[i];
                }

                parameters[6].Value = ((DateOnly)row[6]!).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                parameters[7].Value = row[7];
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            return data.Rows.Count / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static double SqliteEndToEnd(Manifest manifest)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-dg-{Guid.NewGuid():N}.db");
        try
        {
            var watch = Stopwatch.StartNew();
            GenerationSummary summary;
            using (var output = SqliteOutput.ToNewFile(path).AsDisposable())
            {
                summary = DataGenerator.GenerateAsync(manifest, output.Output).GetAwaiter().GetResult();
            }

            return summary.TotalRows / watch.Elapsed.TotalSeconds;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static double PostgresRaw(string connectionString, (ModelDescriptor Model, List<object?[]> Rows) data)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var ddl = new NpgsqlCommand("CREATE TABLE customers (id uuid PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, email text NOT NULL, phone text NOT NULL, city text NOT NULL, birth_date date NOT NULL, amount numeric NOT NULL)", connection))
        {
            ddl.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using (var importer = connection.BeginBinaryImport("COPY customers (id, first_name, last_name, email, phone, city, birth_date, amount) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var row in data.Rows)
            {
                importer.StartRow();
                importer.Write((Guid)row[0]!, NpgsqlDbType.Uuid);
                for (var i = 1; i < 6; i++)
                {
                    importer.Write((string)row[i]!, NpgsqlDbType.Text);
                }

                importer.Write((DateOnly)row[6]!, NpgsqlDbType.Date);
                importer.Write((decimal)row[7]!, NpgsqlDbType.Numeric);
            }

            importer.Complete();
        }

        transaction.Commit();
        return data.Rows.Count / watch.Elapsed.TotalSeconds;
    }

    private static double MySqlRaw(string connectionString, (ModelDescriptor Model, List<object?[]> Rows) data)
    {
        using var connection = new MySqlConnection(connectionString);
        connection.Open();
        using (var ddl = new MySqlCommand("CREATE TABLE customers (id char(36) PRIMARY KEY, first_name longtext NOT NULL, last_name longtext NOT NULL, email longtext NOT NULL, phone longtext NOT NULL, city longtext NOT NULL, birth_date date NOT NULL, amount decimal(38, 12) NOT NULL)", connection))
        {
            ddl.ExecuteNonQuery();
        }

        var watch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var table = new System.Data.DataTable { Locale = CultureInfo.InvariantCulture };
        foreach (var (name, type) in new[] { ("id", typeof(string)), ("first_name", typeof(string)), ("last_name", typeof(string)), ("email", typeof(string)), ("phone", typeof(string)), ("city", typeof(string)), ("birth_date", typeof(DateTime)), ("amount", typeof(decimal)) })
        {
            table.Columns.Add(name, type);
        }

        // In batches, as the pipeline sends them.
        var bulk = new MySqlBulkCopy(connection, transaction) { DestinationTableName = "customers" };
        foreach (var chunk in data.Rows.Chunk(10_000))
        {
            table.Clear();
            foreach (var row in chunk)
            {
                table.Rows.Add(((Guid)row[0]!).ToString(), row[1], row[2], row[3], row[4], row[5], ((DateOnly)row[6]!).ToDateTime(TimeOnly.MinValue), row[7]);
            }

            bulk.WriteToServer(table);
        }

        transaction.Commit();
        return data.Rows.Count / watch.Elapsed.TotalSeconds;
    }

    private static double MySqlEndToEnd(string connectionString, Manifest manifest)
    {
        var watch = Stopwatch.StartNew();
        GenerationSummary summary;
        using (var output = MySqlOutput.Create(connectionString).AsDisposable())
        {
            summary = DataGenerator.GenerateAsync(manifest, output.Output).GetAwaiter().GetResult();
        }

        return summary.TotalRows / watch.Elapsed.TotalSeconds;
    }

    private static double KafkaRaw((ModelDescriptor Model, List<object?[]> Rows) data)
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var header = new Header("datagen-model", "customers"u8.ToArray());
        // The very messages DataGen sends (UTF-8 key, JSON value, model header), built before the clock starts.
        var messages = data.Rows.Select(r => new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(ValueText.Format(r[0])), Value = ValueText.RowToJsonUtf8(data.Model, r), Headers = [header] }).ToList();

        // Pre-built means settled: the messages are in the oldest generation before the clock starts, so the baseline
        // does not pay for promoting them.
        Settle();

        // Timed like the end-to-end run, which also creates its client and the topic: from nothing to all acknowledged.
        var watch = Stopwatch.StartNew();
        cluster.CreateTopic("customers", 32);
        using var producer = new ProducerBuilder<byte[]?, byte[]>(KafkaOutput.ProducerSettings(cluster.BootstrapServers)).SetLogHandler((_, _) => { }).Build();
        var delivered = ProduceAll(producer, messages);
        var elapsed = watch.Elapsed.TotalSeconds;
        return delivered == messages.Count ? messages.Count / elapsed : throw new InvalidOperationException($"delivered {delivered} of {messages.Count}");
    }

    /// <summary>Produces every message to "customers" as the raw baselines do (waiting while the client's queue is full); returns how many were acknowledged.</summary>
    private static long ProduceAll<TValue>(IProducer<byte[]?, TValue> producer, List<Message<byte[]?, TValue>> messages)
    {
        long delivered = 0;
        foreach (var message in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce("customers", message, r => { if (!r.Error.IsError) Interlocked.Increment(ref delivered); });
                    break;
                }
                catch (ProduceException<byte[]?, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush();
        return Interlocked.Read(ref delivered);
    }

    private static double KafkaAvroRaw((ModelDescriptor Model, List<object?[]> Rows) data)
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using var registry = EmbeddedSchemaRegistry.Start();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var schema = (RecordSchema)Avro.Schema.Parse(AvroValueFormat.DeriveSchema(data.Model));
        var header = new Header("datagen-model", "customers"u8.ToArray());

        // The same records DataGen writes, as GenericRecords with the standard logical-type values, built before the clock.
        object? ToAvro(object? value) => value switch
        {
            Guid g => g.ToString("D"),
            DateOnly d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            decimal m => new AvroDecimal(new System.Numerics.BigInteger(decimal.Truncate(m * 1_000_000_000m)), 9),
            _ => value,
        };
        var messages = data.Rows.Select(r =>
        {
            var record = new GenericRecord(schema);
            for (var i = 0; i < data.Model.Fields.Count; i++)
            {
                record.Add(data.Model.Fields[i].Name, ToAvro(r[i]));
            }

            return new Message<byte[]?, GenericRecord> { Key = Encoding.UTF8.GetBytes(ValueText.Format(r[0])), Value = record, Headers = [header] };
        }).ToList();
        Settle();

        var watch = Stopwatch.StartNew();
        cluster.CreateTopic("customers", 32);
        using var producer = new ProducerBuilder<byte[]?, GenericRecord>(KafkaOutput.ProducerSettings(cluster.BootstrapServers))
            .SetValueSerializer(new AvroSerializer<GenericRecord>(client).AsSyncOverAsync())
            .SetLogHandler((_, _) => { })
            .Build();
        var delivered = ProduceAll(producer, messages);
        var elapsed = watch.Elapsed.TotalSeconds;
        return delivered == messages.Count ? messages.Count / elapsed : throw new InvalidOperationException($"delivered {delivered} of {messages.Count}");
    }

    private static double KafkaEndToEnd(Manifest manifest, int threads, bool avro = false)
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using var registry = avro ? EmbeddedSchemaRegistry.Start() : null;
        using var format = avro ? new AvroValueFormat(registry!.Url) : null;
        var watch = Stopwatch.StartNew();
        GenerationSummary summary;
        TimeSpan elapsed;
        using (var output = KafkaOutput.Create(cluster.BootstrapServers, new KafkaOutputOptions { Partitions = 32, Embedded = cluster, ValueFormat = format ?? KafkaValueFormat.Json }).AsDisposable())
        {
            summary = DataGenerator.GenerateAsync(manifest, output.Output, new GenerationOptions { MaxDegreeOfParallelism = threads }).GetAwaiter().GetResult();

            // Loaded and verified (every delivery acknowledged, the topic's count checked); closing the client
            // handles afterwards is not part of either side's time.
            elapsed = watch.Elapsed;
        }

        return summary.TotalRows / elapsed.TotalSeconds;
    }

    private static double PostgresEndToEnd(string connectionString, Manifest manifest)
    {
        var watch = Stopwatch.StartNew();
        GenerationSummary summary;
        using (var output = PostgresOutput.Create(connectionString).AsDisposable())
        {
            summary = DataGenerator.GenerateAsync(manifest, output.Output).GetAwaiter().GetResult();
        }

        return summary.TotalRows / watch.Elapsed.TotalSeconds;
    }

    private static SyncDisposable AsDisposable(this IDataOutput output) => new(output);

    private sealed class SyncDisposable(IDataOutput output) : IDisposable
    {
        public IDataOutput Output => output;

        public void Dispose() => output.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
