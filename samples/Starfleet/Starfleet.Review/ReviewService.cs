using Npgsql;

namespace Starfleet.Review;

/// <summary>A decision on one application.</summary>
public sealed record Decision(string UserId, string ApplicationId, bool Approved, string Reason);

/// <summary>
/// Reviews Starfleet applications stored as journey step documents (<c>journey_steps</c>: user_id, step, document_type,
/// document): an application is approved when its account has logged in successfully at least once, the citizen ids of
/// account and application match, and the applicant has at least two years of experience.
/// </summary>
public sealed class ReviewService(string connectionString)
{
    public async Task<IReadOnlyList<Decision>> ReviewAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            WITH account AS (
              SELECT DISTINCT ON (user_id) user_id, document FROM journey_steps
              WHERE document_type = 'starfleet_account' ORDER BY user_id, step DESC),
            application AS (
              SELECT user_id, document FROM journey_steps WHERE document_type = 'starfleet_application')
            SELECT a.user_id, ap.document->>'id',
                   EXISTS (SELECT 1 FROM jsonb_array_elements(a.document->'auth'->'logins') l WHERE (l->>'success')::boolean),
                   (ap.document->>'federation_citizen_id') = (a.document->>'federation_citizen_id'),
                   (ap.document->'details'->>'years_of_experience')::int
            FROM account a JOIN application ap USING (user_id)
            ORDER BY a.user_id
            """,
            connection);
        var decisions = new List<Decision>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (loggedIn, sameCitizen, years) = (reader.GetBoolean(2), reader.GetBoolean(3), reader.GetInt32(4));
            var reason = !loggedIn ? "no successful login" : !sameCitizen ? "citizen id mismatch" : years < 2 ? "less than two years of experience" : "approved";
            decisions.Add(new Decision(reader.GetString(0), reader.GetString(1), reason == "approved", reason));
        }

        return decisions;
    }
}
