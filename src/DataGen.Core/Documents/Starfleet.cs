namespace DataGen.Documents;

/// <summary>
/// <c>starfleet_account</c>: a Federation citizen's account (id, stardate of birth, subspace address,
/// communicator <c>07#########</c>, names, title, <c>auth.logins[]</c>, citizen id <c>@@###@@@#@###@</c>).
/// </summary>
internal sealed class StarfleetAccount
{
    /// <summary>The type name.</summary>
    public const string Name = "starfleet_account";

    private static readonly DocumentType Type = DocumentType.Create(
        Name,
        d => d
            .Uuid("id")
            .Field("stardate_of_birth", f => Math.Round(f.Random.Decimal(10000m, 41000m), 1))
            .Field("surname", f => f.Name.LastName())
            .Field("forename", f => f.Name.FirstName())
            .Field("title", f => f.PickRandom("Mr", "Ms", "Mx", "Dr", "Prof"))
            .Field("subspace_address", (f, doc) => $"{Slug(doc["forename"])}.{Slug(doc["surname"])}{f.Random.Number(1, 99)}@subspace.fed")
            .Mask("communicator", "07#########")
            .Object("auth", auth => auth.Array("logins", 0, 0, login => login.Field("at", f => f.Date.Past(1))))
            .Mask("federation_citizen_id", "@@###@@@#@###@"),
        idField: "id");

    /// <summary>The document type.</summary>
    public static DocumentType Document => Type;

    private static string Slug(object? text) =>
        new((text as string ?? string.Empty).ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
}

/// <summary><c>starfleet_application</c>: an application to serve, with a <c>details</c> sub-document.</summary>
internal sealed class StarfleetApplication
{
    /// <summary>The type name.</summary>
    public const string Name = "starfleet_application";

    private static readonly DocumentType Type = DocumentType.Create(
        Name,
        d => d
            .Uuid("id")
            .Uuid("account_id")
            .Field("surname", f => f.Name.LastName())
            .Field("forename", f => f.Name.FirstName())
            .Field("title", f => f.PickRandom("Mr", "Ms", "Mx", "Dr", "Prof"))
            .Mask("communicator", "07#########")
            .Mask("federation_citizen_id", "@@###@@@#@###@")
            .Object("details", details => details
                .Field("division", f => f.PickRandom("Command", "Operations", "Sciences", "Medical", "Engineering"))
                .Field("preferred_posting", f => f.PickRandom("USS Enterprise", "USS Voyager", "Deep Space 9", "USS Defiant", "Starbase 74"))
                .Field("years_of_experience", f => f.Random.Int(0, 30))
                .Field("languages", f => f.Random.ListItems(["Federation Standard", "Vulcan", "Klingon", "Bajoran", "Romulan"], f.Random.Int(1, 3)).ToArray())
                .Field("statement", f => f.Lorem.Paragraph())
                .Array("references", 1, 3, reference => reference
                    .Field("name", f => f.Name.FullName())
                    .Field("rank", f => f.PickRandom("Lieutenant", "Commander", "Captain", "Admiral"))
                    .Mask("communicator", "07#########"))),
        idField: "id");

    /// <summary>The document type.</summary>
    public static DocumentType Document => Type;
}
