using System.Text.RegularExpressions;

namespace DataGen.Cli.Tests;

/// <summary>The CLI run in this process, as the tests drive it, and what they read from its output.</summary>
internal static class CliRun
{
    /// <summary>Runs <c>datagen</c> with <paramref name="args"/>; its exit code, standard output and standard error.</summary>
    public static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await DatagenCommand.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A sample manifest copied beside the tests (<c>samples/</c>).</summary>
    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);

    /// <summary>Messages with their line breaks as spaces: the CLI wraps its summaries to the console width, and paths differ in length by checkout.</summary>
    public static string Flat(string text) => Regex.Replace(text, @"\s+", " ");
}
