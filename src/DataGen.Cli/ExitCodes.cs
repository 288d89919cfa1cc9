namespace DataGen.Cli;

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Everything was generated and written.</summary>
    public const int Success = 0;

    /// <summary>Generation or writing failed (nothing partial is left behind).</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>The manifest is invalid; every error was printed.</summary>
    public const int InvalidManifest = 3;

    /// <summary>A failure DataGen did not foresee (a bug): its message is printed, never a stack trace.</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled (Ctrl+C, SIGINT); nothing was written.</summary>
    public const int Cancelled = 130;

    /// <summary>Stopped by SIGTERM (a CI timeout, a container stop); nothing was written.</summary>
    public const int Terminated = 143;
}
