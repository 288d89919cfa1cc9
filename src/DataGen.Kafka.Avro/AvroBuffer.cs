using System.Buffers.Binary;
using System.Text;

namespace DataGen.Kafka.Avro;

/// <summary>Avro's binary encoding (zig-zag varints, little-endian floats, length-prefixed bytes) into a growable buffer.</summary>
internal sealed class AvroBuffer
{
    private byte[] _bytes = new byte[512];
    private int _length;

    public int Length => _length;

    public void Reset() => _length = 0;

    public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();

    private Span<byte> Grab(int count)
    {
        if (_length + count > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + count));
        }

        var span = _bytes.AsSpan(_length, count);
        _length += count;
        return span;
    }

    public void WriteByte(byte value) => Grab(1)[0] = value;

    /// <summary>The Confluent wire format's header: magic byte 0 and the schema id, big-endian.</summary>
    public void WriteHeader(int schemaId)
    {
        WriteByte(0);
        BinaryPrimitives.WriteInt32BigEndian(Grab(4), schemaId);
    }

    public void WriteLong(long value)
    {
        var n = (ulong)((value << 1) ^ (value >> 63));
        while (n >= 0x80)
        {
            WriteByte((byte)(n | 0x80));
            n >>= 7;
        }

        WriteByte((byte)n);
    }

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteFloat(float value) => BinaryPrimitives.WriteSingleLittleEndian(Grab(4), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Grab(8), value);

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteLong(value.Length);
        value.CopyTo(Grab(value.Length));
    }

    public void WriteFixed(ReadOnlySpan<byte> value) => value.CopyTo(Grab(value.Length));

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteLong(count);
        Encoding.UTF8.GetBytes(value, Grab(count));
    }
}
