namespace DataGen.Xunit;

/// <summary>What a server store is called and how the environment chooses its server: the parts of a store fixture that are data, not code.</summary>
/// <param name="Product">The store's name for messages ("PostgreSQL").</param>
/// <param name="ConnectionVariable">The variable that points at an existing server (<c>DATAGEN_POSTGRES_CONNECTION</c>).</param>
/// <param name="ImageVariable">The variable that names another image (<c>DATAGEN_POSTGRES_IMAGE</c>).</param>
/// <param name="DefaultImage">The image started otherwise.</param>
public sealed record StoreServer(string Product, string ConnectionVariable, string ImageVariable, string DefaultImage);
