using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace Eligibility.Cli.Screening;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM while a screen runs: the first one is taken over — <see cref="Token"/> is cancelled, so
/// the screen stops reading, finishes the records in flight, writes what is done and exits
/// <see cref="ExitCodes.Interrupted"/> — and a second one gets the default action (the process ends at once; the last
/// checkpoint still resumes). Outside a screen the signals keep their default action.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<PosixSignalRegistration> registrations = [];
    private readonly Action<string>? notice;
    private int received;

    /// <param name="notice">Told, once, which signal arrived (e.g. to say on stderr that the run is stopping).</param>
    public StopSignals(Action<string>? notice = null)
    {
        this.notice = notice;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                registrations.Add(PosixSignalRegistration.Create(signal, Handle));
            }
            catch (PlatformNotSupportedException)
            {
                // No such signal here: it keeps its default action.
            }
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>The signal that stopped the run ("SIGINT", "SIGTERM"); null while none has arrived.</summary>
    public string? Received { get; private set; }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        stop.Dispose();
    }

    /// <summary>Stops the run as a signal named <paramref name="name"/> would (the first request only); false when one came already.</summary>
    public bool Request(string name)
    {
        if (Interlocked.Increment(ref received) != 1)
        {
            return false;
        }

        Received = name;
        notice?.Invoke(name);
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The screen is over already.
        }

        return true;
    }

    private void Handle(PosixSignalContext context)
    {
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : context.Signal.ToString();

        // The first signal is taken over; a second one gets its default action, which ends the process.
        context.Cancel = Request(name);
    }
}
