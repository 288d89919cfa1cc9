using System.Text.Json;
using DataGen.Outputs;

namespace DataGen.Elasticsearch;

// One model's documents: bulk bodies filled to the byte budget, overloaded items sent again, a refresh and a count at the end.
public sealed partial class ElasticsearchOutput
{
    private sealed class Writer(ElasticsearchOutput owner, ModelDescriptor model, long before, bool created) : IModelWriter
    {
        private readonly BulkBody _body = new(model, owner._settings.BatchBytes);

        // Ids the server gave documents this run added to an index that already held some (append): what an undo deletes.
        private readonly List<string> _ids = [];
        private long _sent;
        private bool _completed;

        private ElasticsearchConnection Connection => owner._connection;

        public async ValueTask WriteAsync(RowBatch batch, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batch);
            for (var i = 0; i < batch.Rows.Count; i++)
            {
                var lines = _body.Encode(batch.Rows[i]);
                if (!_body.Fits(lines))
                {
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                _body.Add(lines, batch.FirstRow + i);
            }
        }

        private async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_body.Count == 0)
            {
                return;
            }

            _sent += _body.Count;
            var pending = _body.Bytes;
            var items = Enumerable.Range(0, _body.Count).ToList();
            for (var attempt = 0; ; attempt++)
            {
                var rejected = await SendAsync(pending, items, cancellationToken).ConfigureAwait(false);
                if (rejected.Count == 0)
                {
                    break;
                }

                if (attempt >= owner._settings.Retries)
                {
                    throw new GenerationException($"{Connection.Store}: the server rejected {rejected.Count} documents as overloaded (HTTP 429) {attempt + 1} times; load fewer at once ('batchBytes') or give the cluster more capacity", model.Name, null, _body.FirstRow + rejected[0]);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 << Math.Min(attempt, 6)), cancellationToken).ConfigureAwait(false);
                pending = rejected.SelectMany(i => _body.Lines(i).ToArray()).ToArray();
                items = rejected;
            }

            _body.Clear();
        }

        /// <summary>Sends one body holding the rows <paramref name="items"/> of <see cref="_body"/>; returns those rejected as overloaded (to send again).</summary>
        private async Task<List<int>> SendAsync(ReadOnlyMemory<byte> bytes, List<int> items, CancellationToken cancellationToken)
        {
            using var response = await Connection.BulkAsync(bytes, model.Name, cancellationToken).ConfigureAwait(false);
            var rejected = new List<int>();
            var results = response.RootElement.GetProperty("items");
            if (results.GetArrayLength() != items.Count)
            {
                throw new GenerationException($"{Connection.Store}: a bulk request of {items.Count} documents into '{model.Target}' was answered with {results.GetArrayLength()} results", model.Name, null, _body.FirstRow + items[0]);
            }

            var failed = 0;
            (int Item, string Reason)? first = null;
            var i = 0;
            foreach (var result in results.EnumerateArray())
            {
                var outcome = result.EnumerateObject().First().Value;
                var status = outcome.GetProperty("status").GetInt32();
                if (status == 429)
                {
                    rejected.Add(items[i]);
                }
                else if (status >= 300)
                {
                    failed++;
                    first ??= (items[i], outcome.TryGetProperty("error", out var error) ? ElasticsearchConnection.Describe(error) : $"HTTP {status}");
                }
                else if (before > 0 && outcome.TryGetProperty("_id", out var id))
                {
                    _ids.Add(id.GetString()!);
                }

                i++;
            }

            if (first is { } error1)
            {
                throw new GenerationException($"{Connection.Store}: {failed} of {items.Count} documents were refused by index '{model.Target}'; the first (row {_body.FirstRow + error1.Item + 1}): {error1.Reason}", model.Name, null, _body.FirstRow + error1.Item);
            }

            return rejected;
        }

        public async ValueTask<long> CompleteAsync(CancellationToken cancellationToken = default)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await Connection.RefreshAsync(model.Target, model.Name, cancellationToken).ConfigureAwait(false);
            var stored = await Connection.CountAsync(model.Target, model.Name, cancellationToken).ConfigureAwait(false) ?? 0;
            if (stored != before + _sent)
            {
                throw new GenerationException($"{Connection.Store}: index '{model.Target}' holds {stored} documents after adding {_sent} to {before}", model.Name);
            }

            _completed = true;
            owner._undo.Add(UndoAsync);
            return _sent;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_completed && (_sent > 0 || created))
            {
                await UndoAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Puts the index back as the run found it: deleted when the run made it, emptied when it was empty, this run's documents deleted otherwise.</summary>
        private async Task UndoAsync()
        {
            if (created)
            {
                await Connection.DeleteIndexAsync(model.Target, model.Name, CancellationToken.None).ConfigureAwait(false);
            }
            else if (before == 0)
            {
                await Connection.DeleteAllAsync(model.Target, model.Name, CancellationToken.None).ConfigureAwait(false);
            }
            else if (_ids.Count > 0)
            {
                await Connection.DeleteDocumentsAsync(model.Target, _ids, model.Name, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
