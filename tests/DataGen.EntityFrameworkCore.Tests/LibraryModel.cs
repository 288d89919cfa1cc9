using System.ComponentModel.DataAnnotations.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace DataGen.EntityFrameworkCore.Tests;

/// <summary>A model with every mapping the description must follow: renamed tables and columns, enums three ways, TPH, owned and complex types, many-to-many, checks, computed columns.</summary>
public sealed class LibraryContext(DbContextOptions<LibraryContext> options) : DbContext(options)
{
    public DbSet<Member> Members => Set<Member>();

    public DbSet<Item> Items => Set<Item>();

    public DbSet<Loan> Loans => Set<Loan>();

    public DbSet<Shelf> Shelves => Set<Shelf>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Member>(member =>
        {
            member.ToTable("library_members");
            member.Property(m => m.Email).HasColumnName("email_address").HasMaxLength(120);
            member.HasIndex(m => m.Email).IsUnique();
            member.Property(m => m.Level).HasConversion<string>().HasMaxLength(12);
            member.Property(m => m.Colour).HasConversion(new ValueConverter<Colour, string>(c => c.ToString().ToLowerInvariant(), s => Enum.Parse<Colour>(s, true)));
            member.OwnsOne(m => m.Home, home => home.Property(h => h.City).HasMaxLength(50));
            member.OwnsMany(m => m.Phones, phone => phone.Property(p => p.Number).HasMaxLength(20));
            member.ComplexProperty(m => m.Card, card => card.Property(c => c.Number).HasMaxLength(16));
            member.Property(m => m.DisplayName).HasComputedColumnSql("upper(\"Name\")", stored: true);
        });

        modelBuilder.Entity<Item>(item =>
        {
            item.HasDiscriminator<string>("ItemType").HasValue<Book>("book").HasValue<Disc>("disc");
            item.Property(i => i.Price).HasPrecision(8, 2);
            item.ToTable(t => t.HasCheckConstraint("CK_Items_Price", "\"Price\" >= 0"));
            item.HasMany(i => i.Shelves).WithMany(s => s.Items);
        });

        modelBuilder.Entity<Loan>(loan =>
        {
            loan.HasKey(l => l.Code);
            loan.HasOne(l => l.Member).WithMany().HasForeignKey(l => l.MemberId);
            loan.HasOne(l => l.Item).WithMany().HasForeignKey(l => l.ItemId);
        });
    }
}

public enum Level
{
    Basic,
    Plus,
    Premium,
}

public enum Colour
{
    Red,
    Green,
    Blue,
}

public enum LoanState
{
    Open = 10,
    Returned = 20,
    Lost = 99,
}

public sealed class Member
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Email { get; set; }

    public Level Level { get; set; }

    public Colour Colour { get; set; }

    public DateOnly JoinedOn { get; set; }

    public Address Home { get; set; } = new();

    public List<Phone> Phones { get; set; } = [];

    public Card Card { get; set; } = new();

    [DatabaseGenerated(DatabaseGeneratedOption.Computed)]
    public string? DisplayName { get; set; }
}

public sealed class Address
{
    public string City { get; set; } = string.Empty;

    public string? Street { get; set; }
}

public sealed class Phone
{
    public int Id { get; set; }

    public required string Number { get; set; }
}

public sealed class Card
{
    public string Number { get; set; } = string.Empty;

    public DateTime Expires { get; set; }
}

public abstract class Item
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public decimal Price { get; set; }

    public List<Shelf> Shelves { get; set; } = [];
}

public sealed class Book : Item
{
    public int Pages { get; set; }
}

public sealed class Disc : Item
{
    public TimeSpan Length { get; set; }

    public string? Label { get; set; }
}

public sealed class Shelf
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public List<Item> Items { get; set; } = [];
}

public sealed class Loan
{
    public Guid Code { get; set; }

    public int MemberId { get; set; }

    public Member? Member { get; set; }

    public int ItemId { get; set; }

    public Item? Item { get; set; }

    public LoanState State { get; set; }

    public DateTime LentAt { get; set; }
}
