using System.Text.Json.Nodes;
using DataGen.Documents;
using DataGen.Generators;

namespace DataGen.Journeys;

/// <summary>
/// <c>starfleet</c>: create an account; 1–10 login attempts, each appended to <c>auth.logins</c> and 1 minute–1 day
/// after the previous; finally a <c>starfleet_application</c> carrying the account's names, title, communicator and
/// citizen id, 1 minute–1 day after the latest step.
/// </summary>
internal sealed class StarfleetJourney : JourneyProvider
{
    /// <summary>The provider name.</summary>
    public const string ProviderName = "starfleet";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public override string Name => ProviderName;

    /// <inheritdoc />
    protected override void Build(JourneyContext journey)
    {
        ArgumentNullException.ThrowIfNull(journey);
        var account = journey.NewDocument(StarfleetAccount.Name);
        account["user_id"] = journey.UserId;
        journey.Step(StarfleetAccount.Name, TimeSpan.Zero, TimeSpan.Zero, at =>
        {
            account["created_at"] = Iso(at);
            return account;
        });

        var logins = (JsonArray)account["auth"]!["logins"]!;
        var attempts = journey.Faker().Random.Int(1, 10);
        for (var i = 0; i < attempts; i++)
        {
            var faker = journey.Faker();
            var success = faker.Random.Bool(0.8f);
            var address = faker.Internet.Ip();
            journey.Step(StarfleetAccount.Name, Minute, Day, at =>
            {
                logins.Add(new JsonObject { ["at"] = Iso(at), ["success"] = success, ["ip"] = address });
                return account;
            });
        }

        var application = journey.NewDocument(StarfleetApplication.Name);
        foreach (var field in new[] { "surname", "forename", "title", "communicator", "federation_citizen_id" })
        {
            application[field] = account[field]?.DeepClone();
        }

        application["account_id"] = account["id"]?.DeepClone();
        application["user_id"] = journey.UserId;
        journey.Step(StarfleetApplication.Name, Minute, Day, at =>
        {
            application["submitted_at"] = Iso(at);
            return application;
        }, after: journey.AfterLatest);
    }

    private static string Iso(DateTime at) => Generators.ScalarValues.Format(at);
}
