namespace DataGen.Generation;

/// <summary>
/// Checks, before anything is allocated, that what a run keeps for the whole run (reference columns, per-parent
/// offsets) fits the memory this process may use, so a model too large to reference is a clear error naming the
/// model rather than an <see cref="OutOfMemoryException"/> part-way through.
/// </summary>
internal sealed class MemoryBudget(long? limit)
{
    /// <summary>The share of the memory the runtime may use (physical memory or the container's limit) a run may keep.</summary>
    private const double Share = 0.75;

    private readonly long _limit = limit ?? (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * Share);

    /// <summary>Bytes the run's reference columns so far keep until it ends.</summary>
    private double _kept;

    /// <summary>Throws when the reference columns of <paramref name="model"/> cannot hold <paramref name="count"/> rows.</summary>
    public void ReserveColumns(ModelPlan model, long count)
    {
        long bytesPerRow = 0;
        foreach (var (fieldIndex, _) in model.Columns)
        {
            var field = model.Root.Fields[fieldIndex];
            if (count > ReferenceValues.MaxRows(field))
            {
                throw new GenerationException(
                    $"{count:N0} rows are more than a referenced field can hold ({ReferenceValues.MaxRows(field):N0}) when its values are kept; "
                    + $"'{field.Name}' is read by references: a sequence or uuid key is recomputed instead of kept and has no such limit, or lower the count",
                    model.Name);
            }

            bytesPerRow += ReferenceValues.BytesPerRow(field);
        }

        var bytes = (double)bytesPerRow * count;
        Check(model.Name, bytes, $"keeping the {count:N0} rows' values of {string.Join(", ", model.Columns.Select(c => $"'{model.Root.Fields[c.FieldIndex].Name}'"))} for the models that reference them", "a sequence or uuid key is recomputed instead of kept and needs no memory; or lower the count or the scale");
        _kept += bytes;
    }

    /// <summary>Throws when the offsets of a per-parent model over <paramref name="parents"/> rows cannot be kept.</summary>
    public void CheckOffsets(string model, string parent, long parents) =>
        Check(model, (parents + 1.0) * sizeof(long), $"counting rows for each of the {parents:N0} rows of '{parent}'", "lower the parent's count or the scale");

    private void Check(string model, double bytes, string what, string fix)
    {
        if (_kept + bytes > _limit)
        {
            var besides = _kept > 0 ? $" besides the {Bytes(_kept)} earlier models' reference columns keep" : string.Empty;
            throw new GenerationException($"{what} needs about {Bytes(bytes)}{besides}, more than the {Bytes(_limit)} a run may keep in this process ({Share:P0} of the memory available to it): {fix}", model);
        }
    }

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (1L << 20):0.#} MiB",
        _ => $"{bytes / 1024:0.#} KiB",
    };
}
