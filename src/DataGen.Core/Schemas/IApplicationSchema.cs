namespace DataGen.Schemas;

/// <summary>
/// A schema the application owns — its EF Core migrations or model, SQL scripts — made in an empty database before
/// DataGen loads into it, so the data goes into the application's own tables (identity columns, unique indexes,
/// defaults, checks) rather than tables DataGen would make. The test kit's <c>Schema</c> attribute property names an
/// implementation (or an EF Core <c>DbContext</c>, through the DataGen.EntityFrameworkCore package).
/// </summary>
public interface IApplicationSchema
{
    /// <summary>Makes the application's tables in the empty database (applies migrations, runs scripts…).</summary>
    /// <param name="store">The store kind: <c>postgres</c>, <c>sqlite</c>, <c>sqlserver</c>….</param>
    /// <param name="connectionString">The database's connection string.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task CreateAsync(string store, string connectionString, CancellationToken cancellationToken);

    /// <summary>
    /// The tables as the application maps them, when it knows more than the database tells (an enum's values, a
    /// discriminator's); null to have the tables read back from the database once <see cref="CreateAsync"/> made them.
    /// </summary>
    /// <param name="store">The store kind.</param>
    /// <param name="connectionString">The database's connection string.</param>
    DatabaseSchema? Describe(string store, string connectionString);
}
