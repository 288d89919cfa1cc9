using System.Diagnostics;
using Bogus;

namespace DataGen.Benchmarks;

/// <summary>The customer row as a user would write it with Bogus.</summary>
internal sealed class Customer
{
    public Guid Id { get; set; }

    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    public string Email { get; set; } = "";

    public string Phone { get; set; } = "";

    public string City { get; set; } = "";

    public DateOnly BirthDate { get; set; }

    public decimal Amount { get; set; }
}

/// <summary>Hand-written Bogus Faker&lt;T&gt;: the baseline.</summary>
internal static class Baseline
{
    public static Faker<Customer> Faker(int seed, DateTime reference) => new Faker<Customer>("en")
        .UseSeed(seed)
        .RuleFor(c => c.Id, f => f.Random.Uuid())
        .RuleFor(c => c.FirstName, f => f.Name.FirstName())
        .RuleFor(c => c.LastName, f => f.Name.LastName())
        .RuleFor(c => c.Email, (f, c) => f.Internet.Email(c.FirstName, c.LastName))
        .RuleFor(c => c.Phone, f => f.Phone.PhoneNumber())
        .RuleFor(c => c.City, f => f.Address.City())
        .RuleFor(c => c.BirthDate, f => f.Date.PastDateOnly(72, DateOnly.FromDateTime(reference).AddYears(-18)))
        .RuleFor(c => c.Amount, f => f.Finance.Amount(0, 10000));

    /// <summary>Generates <paramref name="count"/> customers on one thread; returns rows/s.</summary>
    public static double Run(int count, DateTime reference)
    {
        var faker = Faker(7, reference);
        var watch = Stopwatch.StartNew();
        long check = 0;
        for (var i = 0; i < count; i++)
        {
            check += faker.Generate().Email.Length;
        }

        GC.KeepAlive(check);
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>One Faker per thread, each generating its share; returns total rows/s.</summary>
    public static double RunParallel(int count, DateTime reference, int threads)
    {
        var watch = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var faker = Faker(7 + t, reference);
            long check = 0;
            for (var i = 0; i < count / threads; i++)
            {
                check += faker.Generate().Email.Length;
            }

            GC.KeepAlive(check);
        });
        return count / watch.Elapsed.TotalSeconds;
    }
}
