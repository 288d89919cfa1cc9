using System.Globalization;
using System.Reflection;
using AutoFixture;
using AutoFixture.Kernel;
using AutoFixture.Xunit3;
using DataGen.Randomness;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace DataGen.Xunit;

/// <summary>
/// AutoFixture theories with realistic values: properties and parameters named like emails, names, phones,
/// addresses, companies, jobs, usernames, URLs, IBANs or amounts get Bogus values instead of GUID strings, seeded by
/// (seed, test method, request): the same seed gives the same values. The seed follows <c>DATAGEN_SEED</c>, then
/// <see cref="Seed"/>, then 1; a failing test prints it with a reproduction line.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AutoDataGenAttribute : AutoDataAttribute, IBeforeAfterTestAttribute
{
    private readonly State _state;

    /// <summary>Creates the attribute.</summary>
    public AutoDataGenAttribute()
        : this(new State())
    {
    }

    private AutoDataGenAttribute(State state)
        : base(() => new Fixture().Customize(new RealisticValues(state)))
        => _state = state;

    /// <summary>The seed (DATAGEN_SEED wins). Reads 0 when unset: <see cref="HasSeed"/> tells an unset seed from seed 0.</summary>
    public ulong Seed
    {
        get => _state.ExplicitSeed ?? 0;
        set => _state.ExplicitSeed = value;
    }

    /// <summary>Whether <see cref="Seed"/> was set (seed 0 included).</summary>
    public bool HasSeed => _state.ExplicitSeed.HasValue;

    /// <inheritdoc />
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        ArgumentNullException.ThrowIfNull(testMethod);
        (_state.Seed, _state.Source) = DataGenSeeds.Resolve(_state.ExplicitSeed, null);
        _state.Method = $"{testMethod.DeclaringType?.FullName}.{testMethod.Name}";
        _state.Requests = 0;
        return base.GetData(testMethod, disposalTracker);
    }

    /// <inheritdoc />
    public void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
    }

    /// <inheritdoc />
    public void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        DataGenSeeds.ReportIfFailed(test, "[AutoDataGen]", _state.Seed, _state.Source);
    }

    private sealed class State
    {
        public ulong? ExplicitSeed { get; set; }

        public ulong Seed { get; set; } = 1;

        public string Source { get; set; } = "the default";

        public string Method { get; set; } = string.Empty;

        public long Requests { get; set; }
    }

    /// <summary>Adds the name-based builder in front of AutoFixture's own.</summary>
    private sealed class RealisticValues(State state) : ICustomization
    {
        public void Customize(IFixture fixture) => fixture.Customizations.Insert(0, new Builder(state));
    }

    private sealed class Builder(State state) : ISpecimenBuilder
    {
        private static readonly (string[] Names, Func<Bogus.Faker, object> Value)[] Strings =
        [
            (["email", "emailaddress", "mail"], f => f.Internet.Email()),
            (["firstname", "givenname", "forename"], f => f.Name.FirstName()),
            (["lastname", "surname", "familyname"], f => f.Name.LastName()),
            (["name", "fullname", "displayname", "customername"], f => f.Name.FullName()),
            (["phone", "phonenumber", "mobile", "telephone", "tel"], f => f.Phone.PhoneNumber()),
            (["address", "street", "streetaddress", "addressline1"], f => f.Address.StreetAddress()),
            (["city", "town"], f => f.Address.City()),
            (["zip", "zipcode", "postcode", "postalcode"], f => f.Address.ZipCode()),
            (["country"], f => f.Address.Country()),
            (["company", "companyname", "employer"], f => f.Company.CompanyName()),
            (["job", "jobtitle", "title"], f => f.Name.JobTitle()),
            (["username", "login", "userid"], f => f.Internet.UserName()),
            (["url", "website", "homepage"], f => f.Internet.Url()),
            (["iban"], f => f.Finance.Iban()),
        ];

        private static readonly string[] Amounts = ["amount", "price", "total", "balance", "cost", "salary", "payment"];

        public object Create(object request, ISpecimenContext context)
        {
            var (name, type) = request switch
            {
                PropertyInfo p => (p.Name, p.PropertyType),
                ParameterInfo p => (p.Name ?? string.Empty, p.ParameterType),
                FieldInfo f => (f.Name, f.FieldType),
                _ => (string.Empty, typeof(void)),
            };
            var key = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
            if (key.Length == 0)
            {
                return new NoSpecimen();
            }

            if (type == typeof(string) && Strings.FirstOrDefault(s => s.Names.Contains(key)) is { Value: not null } match)
            {
                return match.Value(Faker(name));
            }

            if (type == typeof(decimal) && Amounts.Any(a => key.EndsWith(a, StringComparison.Ordinal)))
            {
                return Math.Round(Faker(name).Random.Decimal(1, 1000), 2);
            }

            return new NoSpecimen();
        }

        /// <summary>A Faker seeded for this request: (seed, test method, member name, request number).</summary>
        private Bogus.Faker Faker(string name) =>
            SeededFaker.Create(state.Seed, "en", state.Method, name, (state.Requests++).ToString(CultureInfo.InvariantCulture));
    }
}
