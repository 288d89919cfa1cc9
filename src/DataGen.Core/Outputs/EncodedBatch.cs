using System.Buffers;
using System.Text.Json;

namespace DataGen.Outputs;

/// <summary>
/// A model writer whose work splits in two: turning a batch of rows into bytes, which it can do for several batches at
/// once on any thread, and writing those bytes in row order. The generator encodes each batch on the thread pool as it
/// leaves the in-order steps (unique checks, reference columns) and hands the bytes over in order, so encoding runs
/// beside generation instead of after it.
/// </summary>
internal interface IEncodingModelWriter : IModelWriter
{
    /// <summary>The batch's bytes. Thread-safe: called for several batches at once. Holds nothing of the rows after it returns (their arrays may be filled again).</summary>
    EncodedBatch Encode(RowBatch batch);

    /// <summary>Writes a batch's bytes. Called in row order, one at a time; the batch is the writer's again after.</summary>
    ValueTask WriteAsync(EncodedBatch batch, CancellationToken cancellationToken);
}

/// <summary>A batch of rows as bytes, in a buffer its writer reuses once the bytes are written.</summary>
internal sealed class EncodedBatch
{
    public EncodedBatch(int capacity, JsonWriterOptions options)
    {
        Bytes = new ArrayBufferWriter<byte>(capacity);
        Json = new Utf8JsonWriter(Bytes, options);
    }

    public ArrayBufferWriter<byte> Bytes { get; }

    /// <summary>A JSON writer over <see cref="Bytes"/> (reset before each row that uses it).</summary>
    public Utf8JsonWriter Json { get; }

    public int Rows { get; set; }
}
