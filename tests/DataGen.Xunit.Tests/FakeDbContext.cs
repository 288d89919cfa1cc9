#pragma warning disable CA1050, IDE0130 // A stand-in must carry EF Core's type name.
namespace Microsoft.EntityFrameworkCore
{
    /// <summary>Named like EF Core's DbContext (this project does not reference EF Core).</summary>
    public abstract class DbContext;
}

namespace Microsoft.EntityFrameworkCore.Fake
{
    public sealed class ShopContext : DbContext;
}
