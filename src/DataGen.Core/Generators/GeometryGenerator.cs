using System.Globalization;
using System.Text;
using DataGen.Generation;
using DataGen.Randomness;

namespace DataGen.Generators;

/// <summary>
/// Geometries as well-known text (<c>POINT(12.5 -3.25)</c>, <c>LINESTRING(…)</c>, a closed <c>POLYGON((…))</c>): the text
/// form every spatial store reads (MySQL/MariaDB through <c>ST_GeomFromText</c>, PostGIS, SpatiaLite).
/// </summary>
internal static class GeometryGenerator
{
    private static readonly string[] Shapes = ["point", "linestring", "polygon"];

    public static readonly GeneratorDescriptor Descriptor = new(
        "geometry",
        "A geometry as well-known text: a point, a line string of 2–5 points or a closed rectangle polygon, coordinates in [minX, maxX] × [minY, maxY].",
        [
            new("shape", OptionType.String, "point (default), linestring or polygon.", Allowed: Shapes),
            new("minX", OptionType.Number, "Smallest x (longitude; default -180)."),
            new("maxX", OptionType.Number, "Largest x (default 180)."),
            new("minY", OptionType.Number, "Smallest y (latitude; default -90)."),
            new("maxY", OptionType.Number, "Largest y (default 90)."),
        ],
        static (spec, _) =>
        {
            var shape = spec.GetString("shape") ?? "point";
            if (Array.IndexOf(Shapes, shape) < 0)
            {
                spec.Error(spec.Find("shape"), $"option 'shape' must be one of {string.Join(", ", Shapes)}, found '{shape}'");
                return null;
            }

            var (minX, maxX, minY, maxY) = (spec.GetDouble("minX") ?? -180, spec.GetDouble("maxX") ?? 180, spec.GetDouble("minY") ?? -90, spec.GetDouble("maxY") ?? 90);
            if (minX >= maxX || minY >= maxY)
            {
                spec.Error(spec.Find("minX") ?? spec.Find("minY") ?? spec.Node, $"the bounds must satisfy minX < maxX and minY < maxY, found [{minX}, {maxX}] × [{minY}, {maxY}]");
                return null;
            }

            return new Generator(shape, minX, maxX, minY, maxY);
        });

    private sealed class Generator(string shape, double minX, double maxX, double minY, double maxY) : FieldGenerator
    {
        public override ValueKind Kind => ValueKind.String;

        public override object? Generate(ref DeterministicRandom random, ObjectScope scope)
        {
            var text = new StringBuilder();
            switch (shape)
            {
                case "point":
                    text.Append("POINT(");
                    Point(text, X(ref random), Y(ref random));
                    break;
                case "linestring":
                    text.Append("LINESTRING(");
                    var points = 2 + random.NextIndex(4);
                    for (var i = 0; i < points; i++)
                    {
                        Point(text.Append(i == 0 ? string.Empty : ", "), X(ref random), Y(ref random));
                    }

                    break;
                default:
                    // A rectangle inside the bounds, counter-clockwise and closed (the first point again).
                    var (x1, x2) = Ordered(X(ref random), X(ref random), minX, maxX);
                    var (y1, y2) = Ordered(Y(ref random), Y(ref random), minY, maxY);
                    text.Append("POLYGON((");
                    Point(text, x1, y1);
                    Point(text.Append(", "), x2, y1);
                    Point(text.Append(", "), x2, y2);
                    Point(text.Append(", "), x1, y2);
                    Point(text.Append(", "), x1, y1);
                    text.Append(')');
                    break;
            }

            return text.Append(')').ToString();
        }

        private double X(ref DeterministicRandom random) => Math.Round(minX + (random.NextDouble() * (maxX - minX)), 6);

        private double Y(ref DeterministicRandom random) => Math.Round(minY + (random.NextDouble() * (maxY - minY)), 6);

        /// <summary>Two different coordinates in order (equal ones are moved apart within the bounds, so the polygon has an area).</summary>
        private static (double Low, double High) Ordered(double a, double b, double min, double max)
        {
            var (low, high) = a < b ? (a, b) : (b, a);
            if (high - low < 1e-3)
            {
                (low, high) = low - min > max - high ? (Math.Round(low - 1e-3 * (max - min), 6), high) : (low, Math.Round(high + 1e-3 * (max - min), 6));
            }

            return (low, high);
        }

        private static void Point(StringBuilder text, double x, double y) =>
            text.Append(x.ToString("0.######", CultureInfo.InvariantCulture)).Append(' ').Append(y.ToString("0.######", CultureInfo.InvariantCulture));
    }
}
