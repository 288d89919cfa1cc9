namespace DataGen;

/// <summary>What kind of value a field produces (used by outputs for column types and by schemas).</summary>
public enum ValueKind
{
    /// <summary>Not known ahead (e.g. a Bogus method returning object).</summary>
    Unknown,

    /// <summary>Text.</summary>
    String,

    /// <summary>A 64-bit integer.</summary>
    Integer,

    /// <summary>An exact decimal number.</summary>
    Decimal,

    /// <summary>A binary floating-point number.</summary>
    Double,

    /// <summary>True or false.</summary>
    Boolean,

    /// <summary>A calendar date without time.</summary>
    Date,

    /// <summary>A UTC date and time.</summary>
    DateTime,

    /// <summary>A time of day.</summary>
    Time,

    /// <summary>A UUID.</summary>
    Uuid,

    /// <summary>A nested object (an ordered dictionary).</summary>
    Object,

    /// <summary>An array of values.</summary>
    Array,

    /// <summary>Binary data (a byte array): blobs, <c>bytea</c>, <c>varbinary</c>; files write it as base64.</summary>
    Bytes,
}
