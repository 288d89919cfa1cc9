using DataGen.Cli;

return await DatagenCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
