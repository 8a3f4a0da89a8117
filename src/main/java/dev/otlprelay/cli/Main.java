package dev.otlprelay.cli;

import sun.misc.Signal;

/** The entry point, and the only place that exits the process. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Logging.configure(System.err);
        Commands.Latch stop = new Commands.Latch();
        // SIGTERM (docker stop) and SIGINT (Ctrl-C) start a graceful stop; the exit code is then 0, not 143.
        Signal.handle(new Signal("TERM"), s -> stop.release());
        Signal.handle(new Signal("INT"), s -> stop.release());
        int code = new Commands(System.getenv(), System.out, System.err).execute(args, stop);
        System.exit(code);
    }
}
