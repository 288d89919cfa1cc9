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
/// AutoFixture theories with realistic, reproducible values: properties and parameters named like emails, names,
/// phones, addresses, companies, jobs, usernames, URLs, IBANs or amounts get Bogus values instead of GUID strings, and
/// every other value AutoFixture would draw at random — strings, numbers, GUIDs, dates, times, chars, URIs — is drawn
/// from (seed, test method, request) instead: the same seed gives the same arguments, run after run. Object graphs with
/// cycles (an EF entity's two-way navigations) work: a recursion is left null. The seed follows <c>DATAGEN_SEED</c>, then
/// <see cref="Seed"/>, then 1; a failing test prints it with a reproduction line. Derive from the attribute and override
/// <see cref="Customize"/> to add customizations of your own.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public class AutoDataGenAttribute : AutoDataAttribute, IBeforeAfterTestAttribute
{
    private static readonly DateTime Anchor = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly State _state;

    /// <summary>Creates the attribute.</summary>
    public AutoDataGenAttribute()
        : this(new State())
    {
    }

    private AutoDataGenAttribute(State state)
        : base(() => Build(state))
    {
        _state = state;
        _state.Owner = this;
    }

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

        // Resolved again: xunit may read the data and run After on different instances of the attribute.
        var (seed, source) = DataGenSeeds.Resolve(_state.ExplicitSeed, null);
        DataGenSeeds.ReportIfFailed(test, "[AutoDataGen]", seed, source);
    }

    /// <summary>
    /// Adds customizations of your own: they are asked before DataGen's, so yours win for the types and members they
    /// cover. Values your customizations draw at random are not seeded unless they use <paramref name="fixture"/>.
    /// Default: nothing.
    /// </summary>
    /// <param name="fixture">The fixture of one theory's data.</param>
    protected virtual void Customize(IFixture fixture)
    {
    }

    private static IFixture Build(State state)
    {
        var fixture = new Fixture();
        foreach (var throwing in fixture.Behaviors.OfType<ThrowingRecursionBehavior>().ToList())
        {
            fixture.Behaviors.Remove(throwing);
        }

        fixture.Behaviors.Add(new OmitOnRecursionBehavior());

        // The user's customizations first: builders are asked in order, so theirs win over DataGen's.
        state.Owner?.Customize(fixture);
        fixture.Customizations.Add(new Builder(state));
        return fixture;
    }

    private sealed class State
    {
        public AutoDataGenAttribute? Owner { get; set; }

        public ulong? ExplicitSeed { get; set; }

        public ulong Seed { get; set; } = 1;

        public string Source { get; set; } = "the default";

        public string Method { get; set; } = string.Empty;

        public long Requests { get; set; }
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
            // A member becomes a request for its type seeded with the member's name (AutoFixture's relays): a
            // customization of the user's for that type, asked first, wins over the name.
            if (request is SeededRequest { Request: Type type, Seed: string name })
            {
                var key = new string(name.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
                if (key.Length > 0 && type == typeof(string) && Strings.FirstOrDefault(s => s.Names.Contains(key)) is { Value: not null } match)
                {
                    return match.Value(Faker(name));
                }

                if (key.Length > 0 && type == typeof(decimal) && Amounts.Any(a => key.EndsWith(a, StringComparison.Ordinal)))
                {
                    return Math.Round(Faker(name).Random.Decimal(1, 1000), 2);
                }

                if (type == typeof(string))
                {
                    // AutoFixture's own strings are "<member name><new GUID>": the same shape, the GUID seeded.
                    return $"{name}{Faker("string").Random.Guid()}";
                }

                return new NoSpecimen();
            }

            return request is Type requested && Seeded(requested) is { } value ? value : new NoSpecimen();
        }

        /// <summary>A seeded value for the types AutoFixture draws at random, or null for the others.</summary>
        private object? Seeded(Type type)
        {
            if (type == typeof(string))
            {
                return Faker("string").Random.Guid().ToString();
            }

            if (!type.IsPrimitive && type != typeof(decimal) && type != typeof(Guid) && type != typeof(DateTime) && type != typeof(DateTimeOffset)
                && type != typeof(DateOnly) && type != typeof(TimeOnly) && type != typeof(TimeSpan) && type != typeof(Uri))
            {
                return null;
            }

            var random = Faker(type.Name).Random;
            return Type.GetTypeCode(type) switch
            {
                TypeCode.Boolean => random.Bool(),
                TypeCode.Char => random.Char('a', 'z'),
                TypeCode.SByte => (sbyte)random.Int(1, sbyte.MaxValue),
                TypeCode.Byte => (byte)random.Int(1, byte.MaxValue),
                TypeCode.Int16 => (short)random.Int(1, 1000),
                TypeCode.UInt16 => (ushort)random.Int(1, 1000),
                TypeCode.Int32 => random.Int(1, 1000),
                TypeCode.UInt32 => (uint)random.Int(1, 1000),
                TypeCode.Int64 => (long)random.Int(1, 1000),
                TypeCode.UInt64 => (ulong)random.Int(1, 1000),
                TypeCode.Single => (float)Math.Round(random.Double(1, 1000), 2),
                TypeCode.Double => Math.Round(random.Double(1, 1000), 2),
                TypeCode.Decimal => Math.Round(random.Decimal(1, 1000), 2),
                TypeCode.DateTime => Anchor.AddSeconds(-random.Long(0, 2L * 365 * 86_400)),
                _ when type == typeof(Guid) => random.Guid(),
                _ when type == typeof(DateTimeOffset) => new DateTimeOffset(Anchor.AddSeconds(-random.Long(0, 2L * 365 * 86_400))),
                _ when type == typeof(DateOnly) => DateOnly.FromDateTime(Anchor.AddDays(-random.Int(0, 2 * 365))),
                _ when type == typeof(TimeOnly) => new TimeOnly(random.Long(0, TimeSpan.TicksPerDay - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond),
                _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(random.Int(1, 86_400)),
                _ when type == typeof(Uri) => new Uri(Faker("uri").Internet.Url()),
                _ => null,
            };
        }

        /// <summary>A Faker seeded for this request: (seed, test method, member name, request number).</summary>
        private Bogus.Faker Faker(string name) =>
            SeededFaker.Create(state.Seed, "en", state.Method, name, (state.Requests++).ToString(CultureInfo.InvariantCulture));
    }
}
