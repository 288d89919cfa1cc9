using DataGen.Xunit;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace PackageSmoke;

public sealed class Post
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public PostState State { get; set; }

    public List<Comment> Comments { get; set; } = [];
}

public enum PostState
{
    Draft,
    Published,
}

public sealed class Comment
{
    public int Id { get; set; }

    public int PostId { get; set; }

    public required string Text { get; set; }
}

public sealed class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    public DbSet<Post> Posts => Set<Post>();

    public DbSet<Comment> Comments => Set<Comment>();
}

/// <summary>The EF Core path from the packages alone: the model's tables made by EF, filled from a three-line manifest.</summary>
[SeededWith("blog.yaml", Schema = typeof(BlogContext))]
public sealed class EfCoreTests(SqliteFixture db) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task The_model_s_tables_are_filled_and_EF_reads_and_writes_them()
    {
        await using var blog = new BlogContext(new DbContextOptionsBuilder<BlogContext>().UseSqlite(db.ConnectionString).Options);
        Assert.Equal(30, await blog.Posts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(db.Counts["Comments"], await blog.Comments.LongCountAsync(TestContext.Current.CancellationToken));
        blog.Posts.Add(new Post { Title = "new", State = PostState.Draft });
        await blog.SaveChangesAsync(TestContext.Current.CancellationToken);
        Assert.Equal(31, await blog.Posts.MaxAsync(p => p.Id, TestContext.Current.CancellationToken));
    }
}
