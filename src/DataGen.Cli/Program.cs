using System.Runtime.InteropServices;
using DataGen.Cli;

// SIGINT (Ctrl+C) and SIGTERM both cancel the running command, which then says so, removes what it had not finished
// (temporary files, open transactions) and exits 130 or 143. A second signal is left to the runtime (immediate exit).
using var cancel = new CancellationTokenSource();
var terminated = false;
void OnSignal(PosixSignalContext context)
{
    if (cancel.IsCancellationRequested)
    {
        return;
    }

    context.Cancel = true;
    terminated = context.Signal == PosixSignal.SIGTERM;
    cancel.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
var exit = await DatagenCommand.RunAsync(args, Console.Out, Console.Error, cancel.Token).ConfigureAwait(false);
return terminated && exit == ExitCodes.Cancelled ? ExitCodes.Terminated : exit;
