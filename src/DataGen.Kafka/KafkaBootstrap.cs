using System.Text.RegularExpressions;

namespace DataGen.Kafka;

/// <summary>Bootstrap server lists as messages may show them.</summary>
public static partial class KafkaBootstrap
{
    /// <summary>
    /// The list with any credentials removed: <c>user:secret@broker:9092</c> becomes <c>***@broker:9092</c> (the
    /// scheme, hosts and ports stay, so a message still says where). Use it for every message that names brokers.
    /// </summary>
    public static string Redact(string bootstrapServers)
    {
        ArgumentNullException.ThrowIfNull(bootstrapServers);
        return Credentials().Replace(bootstrapServers, "${scheme}***@");
    }

    [GeneratedRegex(@"(?<scheme>(?:^|,)\s*(?:[A-Za-z][A-Za-z0-9+._\-]*://)?)[^,/]*@", RegexOptions.CultureInvariant)]
    private static partial Regex Credentials();
}
