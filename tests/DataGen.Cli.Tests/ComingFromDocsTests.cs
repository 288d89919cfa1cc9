using System.Text;

namespace DataGen.Cli.Tests;

/// <summary>The pages run alone: their commands take paths relative to the working directory, which they change.</summary>
[CollectionDefinition(nameof(ComingFromDocsTests), DisableParallelization = true)]
public sealed class ComingFromDocsCollection;

/// <summary>
/// Issue 28 item 6: every docs/coming-from/*.md page's example runs as written. The "## Example" section's fenced
/// files (<c>```yaml name.yaml</c>, <c>```csv name.csv</c>) are written to an empty folder, its <c>```sh</c> block's
/// <c>datagen …</c> commands run there through the CLI in-process, one after the other, and its <c>```text</c> block's
/// lines are checked against what the commands left: exit code 0 for every command, then files, rows and printed lines.
/// </summary>
[Collection(nameof(ComingFromDocsTests))]
public sealed partial class ComingFromDocsTests
{
    private static readonly string Root = FindRoot();

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var page in Directory.GetFiles(Path.Combine(Root, "docs", "coming-from"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.GetFileName(page));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_example_runs_as_written_and_produces_what_the_page_says(string page)
    {
        var example = Example.Parse(File.ReadAllText(Path.Combine(Root, "docs", "coming-from", page)), page);
        var folder = Directory.CreateTempSubdirectory("datagen-coming-from-");
        var previous = Environment.CurrentDirectory;
        try
        {
            foreach (var (name, text) in example.Files)
            {
                File.WriteAllText(Path.Combine(folder.FullName, name), text);
            }

            Environment.CurrentDirectory = folder.FullName;
            var printed = new List<string>();
            foreach (var command in example.Commands)
            {
                var output = new StringWriter();
                var error = new StringWriter();
                var exit = await DatagenCommand.RunAsync(command.Arguments, output, error, TestContext.Current.CancellationToken);
                exit.Should().Be(0, $"{page} line {command.Line}: `{command.Text}` failed:\n{error}{output}");
                printed.Add(output.ToString());
            }

            foreach (var expectation in example.Expectations)
            {
                expectation.Check(folder.FullName, printed, page);
            }
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void There_is_a_page_per_replaced_tool_and_the_readme_links_each()
    {
        var pages = Directory.GetFiles(Path.Combine(Root, "docs", "coming-from"), "*.md").Select(Path.GetFileName).ToList();
        pages.Should().HaveCountGreaterThanOrEqualTo(5);
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        foreach (var page in pages)
        {
            readme.Should().Contain($"(docs/coming-from/{page})", "README's documentation list links every coming-from page");
        }
    }

    [Fact]
    public void A_page_whose_example_lacks_a_part_is_refused_with_the_reason()
    {
        var noCommands = () => Example.Parse("# x\n\n## Example\n\n```yaml a.yaml\nseed: 1\n```\n\n```text\na.csv: 1 rows\n```\n", "x.md");
        noCommands.Should().Throw<InvalidOperationException>().WithMessage("*x.md*sh*");

        var unnamed = () => Example.Parse("## Example\n\n```yaml\nseed: 1\n```\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\na.csv: 1 rows\n```\n", "x.md");
        unnamed.Should().Throw<InvalidOperationException>().WithMessage("*x.md:3*file name*");

        var foreign = () => Example.Parse("## Example\n\n```sh\nrm -rf out\n```\n\n```text\na.csv: 1 rows\n```\n", "x.md");
        foreign.Should().Throw<InvalidOperationException>().WithMessage("*x.md:4*datagen*");

        var vague = () => Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\nsome rows somewhere\n```\n", "x.md");
        vague.Should().Throw<InvalidOperationException>().WithMessage("*x.md:8*");
    }

    [Fact]
    public void Expectations_count_rows_and_fail_when_the_output_differs()
    {
        var folder = Directory.CreateTempSubdirectory("datagen-coming-from-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "a.csv"), "id,name\n1,x\n2,y\n");
            File.WriteAllText(Path.Combine(folder.FullName, "b.ndjson"), "{}\n{}\n{}\n");
            var example = Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\na.csv: 2 rows\nb.ndjson: 2..3 rows\n*.csv: 1 files\ncommand 1 prints: 1+ lines\n```\n", "x.md");
            foreach (var expectation in example.Expectations)
            {
                expectation.Check(folder.FullName, ["ok\n"], "x.md");
            }

            var wrong = Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\na.csv: 3 rows\n```\n", "x.md");
            var check = () => wrong.Expectations[0].Check(folder.FullName, [""], "x.md");
            check.Should().Throw<Exception>().WithMessage("*a.csv*");

            var missing = Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\nc.ndjson: 1+ rows\n```\n", "x.md");
            var absent = () => missing.Expectations[0].Check(folder.FullName, [""], "x.md");
            absent.Should().Throw<Exception>().WithMessage("*c.ndjson*");

            // References: a quoted CSV field may hold commas and line breaks; a value missing from the other side fails.
            File.WriteAllText(Path.Combine(folder.FullName, "orders.csv"), "id,note,customer\n1,\"a, \"\"b\"\"\nc\",2\n2,,1\n");
            File.WriteAllText(Path.Combine(folder.FullName, "customers.ndjson"), "{\"id\":1}\n{\"id\":2}\n");
            var refs = Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\norders.csv: 2 rows\nevery orders.csv.customer is in customers.ndjson.id\n```\n", "x.md");
            foreach (var expectation in refs.Expectations)
            {
                expectation.Check(folder.FullName, [""], "x.md");
            }

            var broken = Example.Parse("## Example\n\n```sh\ndatagen validate a.yaml\n```\n\n```text\nevery orders.csv.note is in customers.ndjson.id\n```\n", "x.md");
            var dangling = () => broken.Expectations[0].Check(folder.FullName, [""], "x.md");
            dangling.Should().Throw<Exception>().WithMessage("*orders.csv.note*");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string FindRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DataGen.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        return root.FullName;
    }

    private sealed record Command(int Line, string Text, string[] Arguments);

    private sealed record Example(List<(string Name, string Text)> Files, List<Command> Commands, List<IExpectation> Expectations)
    {
        /// <summary>The "## Example" section: named files, one sh block of datagen commands, one text block of outcomes.</summary>
        public static Example Parse(string markdown, string page)
        {
            var lines = markdown.Replace("\r\n", "\n").Split('\n');
            var start = Array.FindIndex(lines, l => l.TrimEnd() == "## Example");
            if (start < 0)
            {
                throw new InvalidOperationException($"{page}: no '## Example' section");
            }

            var example = new Example([], [], []);
            for (var i = start + 1; i < lines.Length && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
            {
                if (!lines[i].StartsWith("```", StringComparison.Ordinal))
                {
                    continue;
                }

                var info = lines[i][3..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var opening = i + 1;
                var body = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                {
                    body.Add(lines[i]);
                }

                example.Add(info, body, opening, page);
            }

            if (example.Commands.Count == 0 || example.Expectations.Count == 0)
            {
                throw new InvalidOperationException($"{page}: the Example section needs a ```sh block of datagen commands and a ```text block of what they produce");
            }

            return example;
        }

        private void Add(string[] info, List<string> body, int line, string page)
        {
            switch (info.FirstOrDefault())
            {
                case "sh":
                    AddCommands(body, line, page);
                    break;
                case "text":
                    for (var j = 0; j < body.Count; j++)
                    {
                        if (body[j].Trim().Length > 0)
                        {
                            Expectations.Add(ParseExpectation(body[j].Trim(), $"{page}:{line + j + 1}"));
                        }
                    }

                    break;
                default:
                    if (info.Length < 2)
                    {
                        throw new InvalidOperationException($"{page}:{line}: a block of the Example section needs its file name after the language (```yaml shop.yaml)");
                    }

                    Files.Add((info[1], string.Join('\n', body) + "\n"));
                    break;
            }
        }

        private void AddCommands(List<string> body, int line, string page)
        {
            for (var j = 0; j < body.Count; j++)
            {
                var first = line + j + 1;
                var text = body[j];
                while (text.EndsWith('\\') && j + 1 < body.Count)
                {
                    text = text[..^1] + " " + body[++j].Trim();
                }

                var words = Words(text);
                if (words.Count == 0)
                {
                    continue;
                }

                if (words[0] != "datagen")
                {
                    throw new InvalidOperationException($"{page}:{first}: only datagen commands run in an example, found '{words[0]}'");
                }

                Commands.Add(new Command(first, text.Trim(), [.. words.Skip(1)]));
            }
        }

        /// <summary>Shell words: spaces split, quotes group, a # outside quotes starts a comment.</summary>
        private static List<string> Words(string text)
        {
            var words = new List<string>();
            var word = new StringBuilder();
            var inWord = false;
            char? quote = null;
            foreach (var c in text)
            {
                if (quote is { } q)
                {
                    if (c == q)
                    {
                        quote = null;
                    }
                    else
                    {
                        word.Append(c);
                    }
                }
                else if (c is '"' or '\'')
                {
                    quote = c;
                    inWord = true;
                }
                else if (c == '#' && !inWord)
                {
                    break;
                }
                else if (char.IsWhiteSpace(c))
                {
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }
                }
                else
                {
                    word.Append(c);
                    inWord = true;
                }
            }

            if (inWord)
            {
                words.Add(word.ToString());
            }

            return words;
        }
    }
}
