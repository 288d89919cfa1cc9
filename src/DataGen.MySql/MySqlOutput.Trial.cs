using System.Data.Common;
using System.Globalization;
using DataGen.Outputs;
using DataGen.Sql;
using MySqlConnector;

namespace DataGen.MySql;

/// <summary>
/// The trial load of <c>validate --against</c> (whether it can be undone here, and setting counters back after it), and
/// the load session's clock, pinned to the run's reference date.
/// </summary>
public sealed partial class MySqlOutput
{
    private static readonly DateTime FirstSecond = DateTime.UnixEpoch.AddSeconds(1);
    private static readonly DateTime LastSecond = DateTime.UnixEpoch.AddSeconds(int.MaxValue);
    private bool _clockWarned;

    /// <summary>
    /// Pins the session's clock to the run's reference date (<c>SET timestamp</c>): <c>NOW()</c>, <c>CURRENT_TIMESTAMP</c>
    /// and <c>ON UPDATE CURRENT_TIMESTAMP</c> in triggers and defaults then stamp the same instant on every run of the same
    /// manifest, here and in a trial load (triggers cannot be switched off on these servers). <c>SYSDATE()</c> still reads
    /// the real clock. A date outside what the session timestamp takes (1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z)
    /// leaves the clock as it is, with a warning.
    /// </summary>
    private async Task PinClockAsync(DbConnection connection, DbTransaction transaction, ModelDescriptor model, CancellationToken cancellationToken)
    {
        if (model.ReferenceDate is not { } now)
        {
            return;
        }

        var utc = now.Kind == DateTimeKind.Local ? now.ToUniversalTime() : now;
        if (utc < FirstSecond || utc > LastSecond)
        {
            if (!_clockWarned)
            {
                _clockWarned = true;
                Options.Warning?.Invoke($"{Store}: the reference date {utc:yyyy-MM-ddTHH:mm:ssZ} is outside what the session timestamp takes (1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z): the session clock is not pinned, so triggers and defaults that read NOW() stamp the real time");
            }

            return;
        }

        var seconds = (decimal)(utc - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerSecond;
        await SqlCommands.ExecuteAsync(connection, transaction, $"SET timestamp = {seconds.ToString("0.######", CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks the trial's tables (see <see cref="MySqlTrialGuard"/>); errors name the server and database only.</summary>
    internal Task<MySqlTrialGuard.Check> CheckTrialAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        ReadDatabaseAsync($"checking {_where} for a trial load", c => MySqlTrialGuard.CheckAsync((MySqlConnection)c, tables, cancellationToken), cancellationToken);

    /// <summary>After the trial's rollback: sets back each AUTO_INCREMENT that moved.</summary>
    internal Task<bool> RestoreAfterTrialAsync(IReadOnlyList<(string Table, long Next)> counters, CancellationToken cancellationToken) =>
        ReadDatabaseAsync($"setting AUTO_INCREMENT back on {_where} after a trial load", c => MySqlTrialGuard.RestoreAsync((MySqlConnection)c, counters, cancellationToken), cancellationToken);
}
