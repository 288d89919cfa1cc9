using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using DataGen.Outputs;

namespace DataGen.Sql;

/// <summary>
/// Where DDL commits by itself (MySQL/MariaDB), DataGen's own tables that <see cref="LoadMode.Replace"/> makes again are
/// not dropped before the load: each is renamed aside, dropped once the run has committed, and renamed back if the run
/// fails, so a failed run leaves their earlier content as it was.
/// </summary>
public abstract partial class SqlStoreOutput
{
    private readonly List<(ModelDescriptor Model, string Aside)> _setAside = [];

    /// <summary>Renames each table aside (children first), before the run makes it again from the manifest.</summary>
    private async Task SetAsideAsync(IReadOnlyList<ModelDescriptor> dropped, CancellationToken cancellationToken)
    {
        var connection = _connection ??= await ConnectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var model in dropped)
        {
            var aside = AsideName(model.Target);
            try
            {
                await SqlCommands.ExecuteAsync(connection, null, RenameTable(model.Target, aside), cancellationToken).ConfigureAwait(false);
                _setAside.Add((model, aside));
            }
            catch (Exception e) when (DescribeError(e) is { } reason)
            {
                await RestoreSetAsideAsync().ConfigureAwait(false);
                throw new GenerationException($"{Store}: setting table '{model.Target}' (made by DataGen in an earlier run) aside to make it again failed: {reason}; nothing was changed", model.Name, null, null, e);
            }
        }
    }

    /// <summary>
    /// The statement that renames a table within its own database or schema, for a store whose DDL commits by itself
    /// (<see cref="TransactionalDdl"/> false), which sets DataGen's tables aside rather than dropping them. Default: none.
    /// </summary>
    /// <param name="table">The table, qualified or not.</param>
    /// <param name="name">Its new name, unqualified.</param>
    protected virtual string RenameTable(string table, string name) =>
        throw new NotSupportedException($"{Store}: this store commits DDL by itself but cannot rename a table; it must override {nameof(RenameTable)}");

    /// <summary>A name in the table's own database for its copy set aside: recognisable, within 64 characters, one per table.</summary>
    private static string AsideName(string target)
    {
        var bare = SqlDialect.TableName(target);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(target)))[..10].ToLowerInvariant();
        return $"datagen_aside_{hash}_{(bare.Length > 30 ? bare[..30] : bare)}";
    }

    /// <summary>Once the run has committed: drops the tables set aside (their replacements hold the run's rows).</summary>
    private async Task DropSetAsideAsync()
    {
        foreach (var (model, aside) in _setAside)
        {
            try
            {
                await SqlCommands.ExecuteAsync(_connection!, null, $"DROP TABLE {Dialect.QuoteTable(AsideTarget(model.Target, aside))}", CancellationToken.None).ConfigureAwait(false);
                Options.Warning?.Invoke($"{Store}: dropped table '{model.Target}' as it was, which DataGen made in an earlier run, and created it again from model '{model.Name}'");
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                Options.Warning?.Invoke($"{Store}: the run committed, but the earlier copy of table '{model.Target}', set aside as '{aside}', could not be dropped: {DescribeError(e) ?? e.Message}");
            }
        }

        _setAside.Clear();
    }

    /// <summary>The run failed: after the tables it made are dropped, each table set aside gets its name back.</summary>
    private async ValueTask RestoreSetAsideAsync()
    {
        if (_connection is null)
        {
            return;
        }

        foreach (var (model, aside) in Enumerable.Reverse(_setAside))
        {
            try
            {
                await SqlCommands.ExecuteAsync(_connection, null, RenameTable(AsideTarget(model.Target, aside), SqlDialect.TableName(model.Target)), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                Options.Warning?.Invoke($"{Store}: the run failed and table '{model.Target}' could not get its earlier content back: it is kept as '{aside}' ({DescribeError(e) ?? e.Message})");
            }
        }

        _setAside.Clear();
    }

    /// <summary>The aside table's name as a target (qualified like the model's).</summary>
    private static string AsideTarget(string target, string aside)
    {
        var bare = SqlDialect.TableName(target);
        return target.Length == bare.Length ? aside : target[..(target.Length - bare.Length)] + aside;
    }
}
