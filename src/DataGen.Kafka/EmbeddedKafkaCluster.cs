using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace DataGen.Kafka;

/// <summary>
/// An in-process Kafka cluster on 127.0.0.1 backed by librdkafka's mock cluster: real protocol, no Docker.
/// Limits (from librdkafka): no admin API (topics are created through <see cref="CreateTopic"/>), at most
/// 5 MiB retained per partition, no transactions semantics; consumer groups on the classic protocol can stall up to
/// the session timeout when a group rejoins (use <c>group.protocol=consumer</c>: heartbeats every 500 ms here).
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly IntPtr _handle;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr handle, IntPtr cluster, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Comma-separated broker addresses on 127.0.0.1.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a cluster with <paramref name="brokers"/> brokers.</summary>
    /// <exception cref="InvalidOperationException">librdkafka could not be loaded or the cluster did not start.</exception>
    public static EmbeddedKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        Native.EnsureResolver();
        var conf = Native.rd_kafka_conf_new();
        var error = new StringBuilder(512);
        Native.rd_kafka_conf_set(conf, "log_level", "3", error, (UIntPtr)error.Capacity);
        var handle = Native.rd_kafka_new(0, conf, error, (UIntPtr)error.Capacity);
        if (handle == IntPtr.Zero)
        {
            throw new InvalidOperationException($"embedded Kafka: librdkafka could not create a handle: {error}");
        }

        var cluster = Native.rd_kafka_mock_cluster_new(handle, brokers);
        if (cluster == IntPtr.Zero)
        {
            Native.rd_kafka_destroy(handle);
            throw new InvalidOperationException("embedded Kafka: librdkafka could not start a mock cluster");
        }

        // Controller 1 exists: admin calls (unsupported by the mock) then fail fast instead of timing out.
        Native.rd_kafka_mock_set_controller_id(cluster, 1);
        Native.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);

        // Consumers on the consumer group protocol (group.protocol=consumer) heartbeat every 500 ms: a group that
        // stops and starts again gets its partitions back within a heartbeat or two, not after a session timeout.
        Native.rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(cluster, 500);
        var bootstraps = Marshal.PtrToStringUTF8(Native.rd_kafka_mock_cluster_bootstraps(cluster)) ?? string.Empty;
        return new EmbeddedKafkaCluster(handle, cluster, bootstraps);
    }

    /// <summary>Creates a topic (the mock has no admin API).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
        var code = Native.rd_kafka_mock_topic_create(_cluster, topic, partitions, 1);
        if (code != 0)
        {
            throw new InvalidOperationException($"embedded Kafka: creating topic '{topic}' failed (librdkafka error {code})");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_cluster != IntPtr.Zero)
        {
            Native.rd_kafka_mock_cluster_destroy(_cluster);
            _cluster = IntPtr.Zero;
            Native.rd_kafka_destroy(_handle);
        }
    }

    /// <summary>P/Invoke into the very librdkafka file Confluent.Kafka loaded (two copies in one process would not share state).</summary>
    private static class Native
    {
        private const string Library = "librdkafka";
        private static int _resolverSet;

        public static void EnsureResolver()
        {
            if (Interlocked.Exchange(ref _resolverSet, 1) == 0)
            {
                NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
            }

            Confluent.Kafka.Library.Load();
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (name != Library)
            {
                return IntPtr.Zero;
            }

            Confluent.Kafka.Library.Load();

            // Linux: the file Confluent.Kafka mapped (librdkafka.so, or centos8-librdkafka.so where libsasl2 is missing).
            if (File.Exists("/proc/self/maps"))
            {
                var loaded = File.ReadLines("/proc/self/maps")
                    .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
                    .FirstOrDefault(p => p is not null && p.StartsWith('/') && Path.GetFileName(p).Contains("librdkafka", StringComparison.Ordinal));
                if (loaded is not null && NativeLibrary.TryLoad(loaded, out var handle))
                {
                    return handle;
                }
            }

            // Elsewhere: the same names in the same order Confluent.Kafka tries.
            foreach (var candidate in new[] { "librdkafka", "centos8-librdkafka" })
            {
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                {
                    return handle;
                }
            }

            return IntPtr.Zero;
        }

#pragma warning disable SA1300, CA2101, SYSLIB1054 // native names; ANSI strings are what librdkafka expects
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr rd_kafka_conf_new();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int rd_kafka_conf_set(IntPtr conf, string name, string value, StringBuilder errstr, UIntPtr errstrSize);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void rd_kafka_destroy(IntPtr rk);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokers);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern int rd_kafka_mock_set_controller_id(IntPtr cluster, int brokerId);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern void rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(IntPtr cluster, int intervalMs);
#pragma warning restore SA1300, CA2101, SYSLIB1054
    }
}
