using Npgsql;

namespace Retail.Analytics;

/// <summary>A customer and what they spent online.</summary>
public sealed record Spender(long CustomerId, string LastName, decimal Spend, int Orders);

/// <summary>Queries a retail warehouse in PostgreSQL.</summary>
public sealed class CustomerQueries(string connectionString)
{
    /// <summary>The customers who spent most on e-commerce orders.</summary>
    public async Task<IReadOnlyList<Spender>> TopSpendersAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT c.customer_id, c.last_name, sum(t.amount) AS spend, count(*)::int AS orders
            FROM customers c JOIN ecommerce_transactions t ON t.customer_id = c.customer_id
            GROUP BY c.customer_id, c.last_name
            ORDER BY spend DESC, c.customer_id
            LIMIT @count
            """,
            connection);
        command.Parameters.AddWithValue("count", count);
        var result = new List<Spender>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new Spender(reader.GetInt64(0), reader.GetString(1), reader.GetDecimal(2), reader.GetInt32(3)));
        }

        return result;
    }
}
